import { json, type ActionFunctionArgs } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { forgotPasswordSchema } from "../auth/auth";
import { requestPasswordReset } from "../auth/auth.server";
import { AppForm, Field, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { useMessages } from "../i18n/use-messages";
import { parseForm } from "../utils/forms";
import { invalid } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.auth.forgotTitle);

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, clock, origin } = context.services;
  const formData = await request.formData();
  const parsed = parseForm(forgotPasswordSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  await requestPasswordReset(db, parsed.data.email, origin, clock.now());
  return json({ ok: true as const, sent: true });
}

export default function ForgotPassword() {
  const m = useMessages();
  const failure = useFormFailure();
  const data = useActionData<typeof action>();
  const sent = data && "sent" in data;
  return (
    <div className="container page">
      <div className="card auth-card">
        <h1>{m.auth.forgotTitle}</h1>
        <p className="muted">{m.auth.forgotIntro}</p>
        {sent ? (
          <div className="alert alert-success" role="status" data-testid="reset-sent">
            {m.auth.forgotSent}
          </div>
        ) : null}
        <FormAlert failure={failure} />
        <AppForm className="form" noValidate>
          <Field name="email" type="email" label={m.auth.email} autoComplete="email" inputMode="email" required failure={failure} />
          <SubmitButton>{m.auth.forgotButton}</SubmitButton>
        </AppForm>
        <div className="auth-links">
          <Link to="/login">{m.auth.loginLink}</Link>
        </div>
      </div>
    </div>
  );
}
