import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { resetPasswordSchema } from "../auth/auth";
import { isResetTokenUsable, resetPassword } from "../auth/auth.server";
import { clearSessionCookie } from "../auth/session.server";
import { AppForm, Field, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.auth.resetTitle);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const usable = token.length > 20 && token.length < 200 && (await isResetTokenUsable(context.services.db, token, context.services.clock.now()));
  return json({ token: usable ? token : null });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, clock, origin } = context.services;
  const formData = await request.formData();
  const parsed = parseForm(resetPasswordSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    await resetPassword(db, parsed.data.token, parsed.data.password, clock.now());
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice("/login", "passwordReset"), { headers: { "Set-Cookie": clearSessionCookie(origin) } });
}

export default function ResetPassword() {
  const m = useMessages();
  const { token } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  return (
    <div className="container page">
      <div className="card auth-card">
        <h1>{m.auth.resetTitle}</h1>
        {token ? (
          <>
            <FormAlert failure={failure} />
            <AppForm className="form" noValidate>
              <input type="hidden" name="token" value={token} />
              <Field name="password" type="password" label={m.auth.password} hint={m.auth.passwordHint} autoComplete="new-password" required failure={failure} />
              <Field name="passwordConfirm" type="password" label={m.auth.passwordConfirm} autoComplete="new-password" required failure={failure} />
              <SubmitButton>{m.auth.resetButton}</SubmitButton>
            </AppForm>
          </>
        ) : (
          <>
            <div className="alert alert-error" role="alert">
              {m.errors.resetLinkInvalid}
            </div>
            <Link to="/forgot-password" className="button button-primary">
              {m.auth.requestAgain}
            </Link>
          </>
        )}
      </div>
    </div>
  );
}
