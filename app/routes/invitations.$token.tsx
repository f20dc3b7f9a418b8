import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { optionalUser, requireUser } from "../auth/guards.server";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { acceptInvitation, findInvitation } from "../orgs/enterprises.server";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.enterprises.invitationTitle);

export async function loader(args: LoaderFunctionArgs) {
  const token = args.params.token ?? "";
  const { db, clock } = args.context.services;
  const [user, invitation] = await Promise.all([optionalUser(args), token.length < 200 ? findInvitation(db, token, clock.now()) : undefined]);
  // An unknown or expired token renders the explanation with a 404, as every missing object does.
  return json(
    {
      invitation: invitation ? { enterpriseName: invitation.enterprise_name, role: invitation.role, email: invitation.email } : null,
      signedIn: user !== null,
    },
    { status: invitation ? 200 : 404 },
  );
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  try {
    const enterpriseId = await acceptInvitation(db, args.params.token ?? "", user, clock.now());
    return redirect(withNotice(`/enterprises/${enterpriseId}`, "joined"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function Invitation() {
  const { invitation, signedIn } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const location = useLocation();
  const m = useMessages();
  return (
    <div className="container page">
      <div className="card auth-card">
        <h1>{m.enterprises.invitationTitle}</h1>
        {invitation ? (
          <>
            <p>{m.enterprises.invitationBody(invitation.enterpriseName)}</p>
            <p className="muted small">
              {invitation.email} · {m.common.memberRoles[invitation.role]}
            </p>
            <FormAlert failure={failure} />
            {signedIn ? (
              <AppForm>
                <SubmitButton>{m.enterprises.accept}</SubmitButton>
              </AppForm>
            ) : (
              <Link to={`/login?next=${encodeURIComponent(location.pathname)}`} className="button button-primary">
                {m.common.nav.login}
              </Link>
            )}
          </>
        ) : (
          <div className="alert alert-error">{m.errors.invitationInvalid}</div>
        )}
      </div>
    </div>
  );
}
