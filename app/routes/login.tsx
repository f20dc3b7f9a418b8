import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useSearchParams } from "@remix-run/react";
import { logInSchema } from "../auth/auth";
import { logIn } from "../auth/auth.server";
import { AppError } from "../utils/app-error";
import { optionalUser } from "../auth/guards.server";
import { readSessionToken, sessionCookie } from "../auth/session.server";
import { AppForm, Field, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { localeCookie } from "../i18n/locale.server";
import { useMessages } from "../i18n/use-messages";
import { csrfCookie } from "../utils/csrf.server";
import { parseForm } from "../utils/forms";
import { safeRedirect } from "../utils/redirects";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { newToken } from "../utils/tokens.server";

export const meta = titled((m) => m.auth.loginTitle);

export async function loader(args: LoaderFunctionArgs) {
  if (await optionalUser(args)) throw redirect(safeRedirect(new URL(args.request.url).searchParams.get("next"), "/account"));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, clock, origin } = context.services;
  const formData = await request.formData();
  const parsed = parseForm(logInSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    const { token, locale } = await logIn(
      db,
      { ...parsed.data, previousToken: readSessionToken(request) },
      { ip: context.clientIp, userAgent: request.headers.get("User-Agent"), now: clock.now() },
    );
    const headers = new Headers();
    headers.append("Set-Cookie", sessionCookie(token, origin));
    headers.append("Set-Cookie", csrfCookie(newToken(), origin));
    headers.append("Set-Cookie", localeCookie(locale, origin));
    return redirect(safeRedirect(formData.get("next"), "/account"), { headers });
  } catch (error) {
    if (error instanceof AppError && error.code === "tooManyAttempts") context.services.metrics.loginsThrottled.inc();
    return refusal(error, formData);
  }
}

export default function LogIn() {
  const m = useMessages();
  const failure = useFormFailure();
  const [params] = useSearchParams();
  return (
    <div className="container page">
      <div className="card auth-card">
        <h1>{m.auth.loginTitle}</h1>
        <p className="muted">{m.auth.loginIntro}</p>
        <FormAlert failure={failure} />
        <AppForm className="form" noValidate>
          <input type="hidden" name="next" value={params.get("next") ?? ""} />
          <Field name="email" type="email" label={m.auth.email} autoComplete="email" inputMode="email" required failure={failure} />
          <Field name="password" type="password" label={m.auth.password} autoComplete="current-password" required failure={failure} />
          <SubmitButton>{m.auth.loginButton}</SubmitButton>
        </AppForm>
        <div className="auth-links">
          <Link to="/forgot-password">{m.auth.forgotLink}</Link>
          <span>
            {m.auth.noAccount} <Link to="/signup">{m.auth.signupLink}</Link>
          </span>
        </div>
      </div>
    </div>
  );
}
