import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireEnterpriseMember } from "../auth/guards.server";
import { findCampaignBySlug } from "../campaigns/campaigns.server";
import { AppForm, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { canSpend, reportSchema } from "../disbursements/disbursement";
import { getReport, publishReport } from "../disbursements/disbursements.server";
import { useMessages } from "../i18n/use-messages";
import { parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.spending.reportTitle);

async function load(args: LoaderFunctionArgs) {
  const campaign = await findCampaignBySlug(args.context.services.db, args.params.slug ?? "");
  if (!campaign || !canSpend(campaign.state, campaign.funding_model)) throw notFound();
  const user = await requireEnterpriseMember(args, campaign.enterprise_id);
  return { campaign, user };
}

export async function loader(args: LoaderFunctionArgs) {
  const { campaign } = await load(args);
  return json({ campaign: { slug: campaign.slug, title: campaign.title }, report: await getReport(args.context.services.db, campaign.id) });
}

export async function action(args: ActionFunctionArgs) {
  const { campaign, user } = await load(args);
  const formData = await args.request.formData();
  const parsed = parseForm(reportSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const photos = formData.getAll("photos").filter((v): v is File => v instanceof File && v.size > 0);
  try {
    await publishReport(args.context.services, { campaignId: campaign.id, authorId: user.id, enterpriseId: campaign.enterprise_id, ...parsed.data, photos });
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice(`/campaigns/${campaign.slug}`, "reportPublished"));
}

export default function Report() {
  const { campaign, report } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const s = m.spending;
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 760, margin: "0 auto" }}>
        <p>
          <Link to={`/campaigns/${campaign.slug}`}>← {campaign.title}</Link>
        </p>
        <h1>{s.reportTitle}</h1>
        <p className="muted">{s.reportHint}</p>
        <FormAlert failure={failure} />
        <AppForm className="form" encType="multipart/form-data" noValidate>
          <TextAreaField name="progress" label={s.reportProgress} rows={6} required failure={failure} defaultValue={report?.progress} />
          <TextAreaField name="impressions" label={s.reportImpressions} rows={4} failure={failure} defaultValue={report?.impressions} />
          <TextAreaField name="followUp" label={s.reportFollowUp} rows={4} failure={failure} defaultValue={report?.follow_up} />
          <div className="field">
            <label htmlFor="report-photos">{s.reportPhotos}</label>
            <input id="report-photos" type="file" name="photos" multiple accept="image/jpeg,image/png,image/webp" />
            {failure?.fieldErrors.photos ? <p className="field-error">{failure.fieldErrors.photos.map((k) => m.errors[k]).join(" ")}</p> : null}
          </div>
          <SubmitButton>{s.publishReport}</SubmitButton>
        </AppForm>
      </div>
    </div>
  );
}
