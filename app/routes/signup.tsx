import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { AGE_GROUPS, signUpSchema } from "../auth/auth";
import { signUp } from "../auth/auth.server";
import { optionalUser } from "../auth/guards.server";
import { readSessionToken, revokeSession, sessionCookie } from "../auth/session.server";
import { ConsentField, PolicyLink } from "../components/consent";
import { AppForm, ChoiceCards, Field, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { localeOf } from "../i18n/locale.server";
import { useMessages } from "../i18n/use-messages";
import { csrfCookie } from "../utils/csrf.server";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { newToken } from "../utils/tokens.server";

export const meta = titled((m) => m.auth.signupTitle);

export async function loader(args: LoaderFunctionArgs) {
  if (await optionalUser(args)) throw redirect("/account");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, clock, origin } = context.services;
  const formData = await request.formData();
  const parsed = parseForm(signUpSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    const now = clock.now();
    const previous = readSessionToken(request);
    if (previous) await revokeSession(db, previous, now);
    const { token } = await signUp(
      db,
      { ...parsed.data, locale: localeOf(request) },
      { ip: context.clientIp, userAgent: request.headers.get("User-Agent"), now, origin },
    );
    const headers = new Headers();
    headers.append("Set-Cookie", sessionCookie(token, origin));
    headers.append("Set-Cookie", csrfCookie(newToken(), origin));
    return redirect(withNotice("/account", "welcome"), { headers });
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function SignUp() {
  const m = useMessages();
  const failure = useFormFailure();
  const c = m.privacy.consents;
  return (
    <div className="container page">
      <div className="card auth-card signup-card">
        <h1>{m.auth.signupTitle}</h1>
        <p className="muted">{m.auth.signupIntro}</p>
        <FormAlert failure={failure} />
        <AppForm className="form" noValidate>
          <Field name="email" type="email" label={m.auth.email} autoComplete="email" inputMode="email" required failure={failure} />
          <Field name="displayName" label={m.auth.displayName} hint={m.auth.displayNameHint} autoComplete="name" required failure={failure} />
          <Field name="password" type="password" label={m.auth.password} hint={m.auth.passwordHint} autoComplete="new-password" required failure={failure} />
          <Field name="passwordConfirm" type="password" label={m.auth.passwordConfirm} autoComplete="new-password" required failure={failure} />
          <ChoiceCards
            name="ageGroup"
            legend={c.ageLegend}
            hint={c.ageHint}
            failure={failure}
            defaultValue={failure?.values.ageGroup ?? ""}
            options={AGE_GROUPS.map((group) => ({ value: group, label: c.ageGroups[group] }))}
          />
          <ConsentField name="consentAccount" text={c.account} failure={failure} />
          <ConsentField name="consentCampaignEmails" text={c.campaignEmails} failure={failure} />
          <PolicyLink />
          <SubmitButton>{m.auth.signupButton}</SubmitButton>
        </AppForm>
        <div className="auth-links">
          <span>
            {m.auth.haveAccount} <Link to="/login">{m.auth.loginLink}</Link>
          </span>
        </div>
      </div>
    </div>
  );
}
