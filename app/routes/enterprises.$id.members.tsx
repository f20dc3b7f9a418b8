import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireEnterpriseMember } from "../auth/guards.server";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { inviteSchema } from "../orgs/enterprises";
import { getEnterprise, inviteMember, listMembers, listPendingInvitations } from "../orgs/enterprises.server";
import { formatDateTime } from "../utils/dates";
import { parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.enterprises.membersTitle);

export async function loader(args: LoaderFunctionArgs) {
  const id = idParam(args.params.id);
  await requireEnterpriseMember(args, id, { owner: true });
  const { db, clock } = args.context.services;
  const enterprise = await getEnterprise(db, id);
  if (!enterprise) throw notFound();
  const [members, invitations] = await Promise.all([listMembers(db, id), listPendingInvitations(db, id, clock.now())]);
  return json({ enterprise: { id: enterprise.id, name: enterprise.name }, members, invitations });
}

export async function action(args: ActionFunctionArgs) {
  const id = idParam(args.params.id);
  const user = await requireEnterpriseMember(args, id, { owner: true });
  const { db, clock, origin } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(inviteSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    await inviteMember(db, { enterpriseId: id, inviterId: user.id, email: parsed.data.email, role: parsed.data.role, origin, now: clock.now() });
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice(`/enterprises/${id}/members`, "invited"));
}

export default function Members() {
  const { enterprise, members, invitations } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <p>
          <Link to={`/enterprises/${enterprise.id}`}>← {enterprise.name}</Link>
        </p>
        <h1>{m.enterprises.membersTitle}</h1>
      </header>
      <div className="two-col">
        <section className="card">
          <h2>{m.enterprises.members}</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={m.enterprises.members}>
            <table>
              <tbody>
                {members.map((member) => (
                  <tr key={member.userId}>
                    <td>{member.display_name}</td>
                    <td className="muted">{member.email}</td>
                    <td>
                      <span className="badge">{m.common.memberRoles[member.role]}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {invitations.length > 0 ? (
            <>
              <h3 style={{ marginTop: 24 }}>{m.enterprises.pendingInvitations}</h3>
              <ul>
                {invitations.map((invitation) => (
                  <li key={invitation.id}>
                    {invitation.email} · {m.common.memberRoles[invitation.role]} · {m.enterprises.expires} {formatDateTime(invitation.expires_at, locale)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <section className="card">
          <h2>{m.enterprises.invite}</h2>
          <FormAlert failure={failure} />
          <AppForm className="form" noValidate>
            <Field name="email" type="email" label={m.enterprises.inviteEmail} required failure={failure} />
            <SelectField
              name="role"
              label={m.enterprises.inviteRole}
              required
              failure={failure}
              defaultValue="member"
              options={[
                { value: "member", label: m.common.memberRoles.member },
                { value: "owner", label: m.common.memberRoles.owner },
              ]}
            />
            <SubmitButton>{m.enterprises.invite}</SubmitButton>
          </AppForm>
        </section>
      </div>
    </div>
  );
}
