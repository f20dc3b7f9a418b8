import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "../auth/guards.server";
import { clearSessionCookie } from "../auth/session.server";
import { AppForm, Field, FieldErrorText, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { deleteAccount, deletionBlockers, type DeletionBlocker } from "../privacy/privacy.server";
import { checkbox } from "../utils/fields";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.privacy.deletion.title);

const deleteSchema = z.object({
  password: z.string({ error: "required" }).min(1, "required").max(200, "tooLong"),
  confirm: checkbox.refine((v) => v, "deletionConfirmRequired"),
});

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  return json({ blockers: await deletionBlockers(args.context.services.db, user.id) });
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock, origin } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(deleteSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    await deleteAccount(db, user.id, parsed.data.password, clock.now());
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice("/", "accountDeleted"), { headers: { "Set-Cookie": clearSessionCookie(origin) } });
}

function BlockerText({ blocker }: { blocker: DeletionBlocker }) {
  const b = useMessages().privacy.deletion.blockers;
  switch (blocker.reason) {
    case "staffRole":
      return <>{b.staffRole}</>;
    case "soleOwner":
      return <>{b.soleOwner(blocker.names.join(", "))}</>;
    case "openPledges":
      return <>{b.openPledges(blocker.names.join(", "))}</>;
    case "openPayment":
      return <>{b.openPayment}</>;
  }
}

export default function DeleteAccount() {
  const { blockers } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const d = m.privacy.deletion;
  return (
    <div className="container page">
      <div className="card narrow-card" style={{ margin: "0 auto" }}>
        <p>
          <Link to="/account">← {m.account.title}</Link>
        </p>
        <h1>{d.title}</h1>
        <h2>{d.whatHappens}</h2>
        <ul>
          {d.erased.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <h2>{d.keptTitle}</h2>
        <ul>
          {d.kept.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <FormAlert failure={failure} />
        {blockers.length > 0 ? (
          <div className="alert alert-info" role="status" data-testid="deletion-blockers">
            <p>
              <strong>{d.blockedTitle}</strong> {d.blockedIntro}
            </p>
            <ul>
              {blockers.map((blocker) => (
                <li key={blocker.reason} data-reason={blocker.reason}>
                  <BlockerText blocker={blocker} />
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <>
            <AppForm className="form" noValidate>
              <Field name="password" type="password" label={d.password} autoComplete="current-password" required failure={failure} />
              <label className="check-line">
                <input type="checkbox" name="confirm" aria-invalid={failure?.fieldErrors.confirm ? true : undefined} aria-describedby={failure?.fieldErrors.confirm ? "confirm-error" : undefined} />
                <span>{d.confirm}</span>
              </label>
              <FieldErrorText id="confirm-error" name="confirm" errors={failure?.fieldErrors.confirm ?? []} />
              <SubmitButton variant="danger">{d.submit}</SubmitButton>
            </AppForm>
          </>
        )}
      </div>
    </div>
  );
}
