import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireAnyStaff, requireStaff, staffHostIds } from "../auth/guards.server";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { reviewSchema } from "../orgs/enterprises";
import { getEnterprise, listPendingEnterprisesForHosts, reviewEnterprise } from "../orgs/enterprises.server";
import { formatDateTime } from "../utils/dates";
import { parseForm } from "../utils/forms";
import { invalid, notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.staff.enterpriseQueueTitle);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, ["operator"]);
  const pending = await listPendingEnterprisesForHosts(args.context.services.db, staffHostIds(user, ["operator"]));
  return json({ pending });
}

export async function action(args: ActionFunctionArgs) {
  const formData = await args.request.formData();
  const parsed = parseForm(reviewSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const { db, clock, origin } = args.context.services;
  const enterprise = await getEnterprise(db, parsed.data.enterpriseId);
  if (!enterprise) throw notFound();
  // Object-level check: only an operator of this enterprise's own host decides.
  const user = await requireStaff(args, enterprise.host_id, ["operator"]);
  await reviewEnterprise(db, { ...parsed.data, reviewerId: user.id, origin, now: clock.now() });
  return redirect(withNotice("/staff/enterprises", parsed.data.decision === "verify" ? "verified" : "held"));
}

export default function EnterpriseQueue() {
  const { pending } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const f = m.enterprises.fields;
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.staff.enterpriseQueueTitle}</h1>
      </header>
      <FormAlert failure={failure} />
      {pending.length === 0 ? <p className="muted">{m.staff.noPending}</p> : null}
      <div className="stack">
        {pending.map((enterprise) => (
          <article key={enterprise.id} className="card" data-testid="pending-enterprise">
            <div className="page-header-row">
              <div>
                <span className="badge badge-brand">{m.common.enterpriseTypes[enterprise.type]}</span>
                <h2 style={{ marginTop: 8 }}>{enterprise.name}</h2>
              </div>
              <span className="muted small">
                {m.staff.registeredOn} {formatDateTime(enterprise.created_at, locale)} · {enterprise.host_name}
              </span>
            </div>
            <dl className="facts">
              <dt>{f.representative}</dt>
              <dd>{enterprise.representative}</dd>
              <dt>{f.district}</dt>
              <dd>{enterprise.district}</dd>
              <dt>{f.business}</dt>
              <dd>{enterprise.business}</dd>
              <dt>{f.registrationNumber}</dt>
              <dd>{enterprise.registration_number ?? "—"}</dd>
              <dt>{f.employees}</dt>
              <dd>{m.enterprises.employeesLine(enterprise.employees, enterprise.vulnerable_employees)}</dd>
            </dl>
            <AppForm className="form" style={{ marginTop: 16 }}>
              <input type="hidden" name="enterpriseId" value={enterprise.id} />
              <div className="field">
                <label htmlFor={`note-${enterprise.id}`}>{m.staff.note}</label>
                <textarea id={`note-${enterprise.id}`} name="note" rows={2} />
                {failure?.values.enterpriseId === String(enterprise.id) && failure.fieldErrors.note ? (
                  <p className="field-error">{failure.fieldErrors.note.map((k) => m.errors[k]).join(" ")}</p>
                ) : null}
              </div>
              <div className="button-row">
                <SubmitButton name="decision" value="verify">
                  {m.staff.verify}
                </SubmitButton>
                <SubmitButton name="decision" value="reject" variant="danger">
                  {m.staff.reject}
                </SubmitButton>
              </div>
            </AppForm>
          </article>
        ))}
      </div>
    </div>
  );
}
