import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePlatformAdmin } from "../auth/guards.server";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listHosts } from "../orgs/enterprises.server";
import { grantSchema, revokeSchema, STAFF_ROLES } from "../orgs/roles";
import { grantRole, listGrants, revokeRole } from "../orgs/roles.server";
import { formatDateTime } from "../utils/dates";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.staff.rolesTitle);

export async function loader(args: LoaderFunctionArgs) {
  await requirePlatformAdmin(args);
  const { db } = args.context.services;
  const [hosts, grants] = await Promise.all([listHosts(db), listGrants(db)]);
  return json({ hosts, grants });
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requirePlatformAdmin(args);
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  if (formData.get("intent") === "revoke") {
    const parsed = parseForm(revokeSchema, formData);
    if (!parsed.ok) return invalid(parsed);
    await revokeRole(db, { ...parsed.data, now: clock.now() });
    return redirect(withNotice("/admin/roles", "revoked"));
  }
  const parsed = parseForm(grantSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    await grantRole(db, { ...parsed.data, adminId: admin.id, now: clock.now() });
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice("/admin/roles", "granted"));
}

export default function Roles() {
  const { hosts, grants } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.staff.rolesTitle}</h1>
        <p>{m.staff.rolesIntro}</p>
        <Link to="/admin/privacy" className="button button-secondary button-small" data-testid="privacy-requests-link">
          {m.privacy.admin.title}
        </Link>
      </header>
      <div className="two-col">
        <section className="card">
          <h2>{m.staff.currentGrants}</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={m.staff.currentGrants}>
            <table data-testid="grants">
              <thead>
                <tr>
                  <th>{m.staff.user}</th>
                  <th>{m.staff.host}</th>
                  <th>{m.staff.role}</th>
                  <th>{m.staff.grantedAt}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {grants.map((g) => (
                  <tr key={`${g.user_id}-${g.host_id}-${g.role}`}>
                    <td>
                      {g.display_name}
                      <div className="muted small">{g.email}</div>
                    </td>
                    <td>{g.host_name}</td>
                    <td>{m.common.roles[g.role]}</td>
                    <td className="small">{formatDateTime(g.granted_at, locale)}</td>
                    <td>
                      <AppForm>
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="userId" value={g.user_id} />
                        <input type="hidden" name="hostId" value={g.host_id} />
                        <input type="hidden" name="role" value={g.role} />
                        <button type="submit" className="button button-danger button-small">
                          {m.staff.revoke}
                        </button>
                      </AppForm>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card">
          <h2>{m.staff.grant}</h2>
          <FormAlert failure={failure} />
          <AppForm className="form" noValidate>
            <input type="hidden" name="intent" value="grant" />
            <Field name="email" type="email" label={m.staff.userEmail} required failure={failure} />
            <SelectField name="hostId" label={m.staff.host} required failure={failure} placeholder="—" options={hosts.map((h) => ({ value: String(h.id), label: h.name }))} />
            <SelectField name="role" label={m.staff.role} required failure={failure} placeholder="—" options={STAFF_ROLES.map((r) => ({ value: r, label: m.common.roles[r] }))} />
            <SubmitButton>{m.staff.grant}</SubmitButton>
          </AppForm>
        </section>
      </div>
    </div>
  );
}
