import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server";
import { EnterpriseForm } from "../components/enterprise-form";
import { useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { enterpriseSchema } from "../orgs/enterprises";
import { listHosts, registerEnterprise } from "../orgs/enterprises.server";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.enterprises.registerTitle);

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args);
  return json({ hosts: await listHosts(args.context.services.db) });
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(enterpriseSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    const id = await registerEnterprise(db, user.id, parsed.data, clock.now());
    return redirect(withNotice(`/enterprises/${id}`, "registered"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function NewEnterprise() {
  const { hosts } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 760, margin: "0 auto" }}>
        <h1>{m.enterprises.registerTitle}</h1>
        <p className="muted">{m.enterprises.registerIntro}</p>
        <EnterpriseForm hosts={hosts} failure={failure} submitLabel={m.enterprises.submitRegistration} />
      </div>
    </div>
  );
}
