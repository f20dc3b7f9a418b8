import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { idParam, requireEnterpriseMember } from "../auth/guards.server";
import { EnterpriseForm } from "../components/enterprise-form";
import { useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { enterpriseSchema } from "../orgs/enterprises";
import { getEnterprise, listHosts, updateEnterprise } from "../orgs/enterprises.server";
import { parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.enterprises.editTitle);

export async function loader(args: LoaderFunctionArgs) {
  const id = idParam(args.params.id);
  await requireEnterpriseMember(args, id, { owner: true });
  const { db } = args.context.services;
  const enterprise = await getEnterprise(db, id);
  if (!enterprise) throw notFound();
  return json({ enterprise, hosts: await listHosts(db) });
}

export async function action(args: ActionFunctionArgs) {
  const id = idParam(args.params.id);
  await requireEnterpriseMember(args, id, { owner: true });
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(enterpriseSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    const { backToReview } = await updateEnterprise(db, id, parsed.data, clock.now());
    return redirect(withNotice(`/enterprises/${id}`, backToReview ? "savedForReview" : "saved"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function EditEnterprise() {
  const { enterprise, hosts } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 760, margin: "0 auto" }}>
        <h1>{m.enterprises.editTitle}</h1>
        <p className="muted" data-testid="identity-review-note">
          {m.enterprises.identityReviewNote}
        </p>
        <EnterpriseForm hosts={hosts} failure={failure} initial={enterprise} submitLabel={m.enterprises.save} />
      </div>
    </div>
  );
}
