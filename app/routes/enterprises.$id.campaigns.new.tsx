import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireEnterpriseMember } from "../auth/guards.server";
import { campaignBasicsSchema } from "../campaigns/campaign";
import { createCampaign } from "../campaigns/campaigns.server";
import { CampaignBasicsForm } from "../components/campaign-basics-form";
import { useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { getEnterprise } from "../orgs/enterprises.server";
import { parseForm } from "../utils/forms";
import { invalid, notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.campaigns.newTitle);

export async function loader(args: LoaderFunctionArgs) {
  const id = idParam(args.params.id);
  await requireEnterpriseMember(args, id);
  const enterprise = await getEnterprise(args.context.services.db, id);
  if (!enterprise) throw notFound();
  return json({ enterprise: { id: enterprise.id, name: enterprise.name } });
}

export async function action(args: ActionFunctionArgs) {
  const id = idParam(args.params.id);
  const user = await requireEnterpriseMember(args, id);
  const formData = await args.request.formData();
  const parsed = parseForm(campaignBasicsSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const { slug } = await createCampaign(args.context.services.db, { enterpriseId: id, userId: user.id, basics: parsed.data, now: args.context.services.clock.now() });
  return redirect(withNotice(`/campaigns/${slug}/edit`, "campaignCreated"));
}

export default function NewCampaign() {
  const { enterprise } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 760, margin: "0 auto" }}>
        <p>
          <Link to={`/enterprises/${enterprise.id}`}>← {enterprise.name}</Link>
        </p>
        <h1>{m.campaigns.newTitle}</h1>
        <CampaignBasicsForm failure={failure} submitLabel={m.campaigns.create} />
      </div>
    </div>
  );
}
