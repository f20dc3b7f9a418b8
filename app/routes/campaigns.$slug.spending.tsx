import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { hasStaffRole, membershipOf, optionalUser, requireUser } from "../auth/guards.server";
import { isPublic } from "../campaigns/campaign-state";
import { campaignHostId, findCampaignBySlug } from "../campaigns/campaigns.server";
import { DisbursementRequestForm, OpenRequests, PaidDisbursements, PlanBars } from "../components/disbursement-parts";
import { AppForm, FormAlert, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { decideDisbursementAction, publishReceiptAction } from "../disbursements/oversight-actions.server";
import { canSpend, disbursementRequestSchema, explanationSchema } from "../disbursements/disbursement";
import {
  getSpending,
  getThreshold,
  requestDisbursement,
  saveLineExplanation,
} from "../disbursements/disbursements.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { parseForm, type FormFailure } from "../utils/forms";
import { forbidden, invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";
import { newToken } from "../utils/tokens.server";

export const meta = titled<typeof loader>((m, data) => `${m.spending.title} · ${data?.campaign.title ?? ""}`);

async function load(args: LoaderFunctionArgs) {
  const { db } = args.context.services;
  const campaign = await findCampaignBySlug(db, args.params.slug ?? "");
  if (!campaign || !isPublic(campaign.state)) throw notFound();
  const hostId = (await campaignHostId(db, campaign.id)) ?? 0;
  const user = await optionalUser(args);
  const member = membershipOf(user, campaign.enterprise_id) !== null;
  const operator = hasStaffRole(user, hostId, ["operator"]);
  const insider = member || operator || hasStaffRole(user, hostId, ["auditor"]) || (user?.isPlatformAdmin ?? false);
  return { campaign, hostId, user, member, operator, insider };
}

export async function loader(args: LoaderFunctionArgs) {
  const { campaign, member, operator, insider } = await load(args);
  const { db } = args.context.services;
  const [spending, threshold] = await Promise.all([getSpending(db, campaign.id, { insider }), getThreshold(db)]);
  return json({
    campaign: { slug: campaign.slug, title: campaign.title },
    spending,
    threshold,
    can: { request: member && canSpend(campaign.state, campaign.funding_model), decide: operator, deliver: operator && canSpend(campaign.state, campaign.funding_model), insider, explain: member },
    formKey: newToken(),
  });
}

const intentSchema = z.object({ intent: z.enum(["request", "explain", "decide", "deliver", "publish"], { error: "invalid" }) });

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { campaign, hostId, member, operator } = await load(args);
  const services = args.context.services;
  const formData = await args.request.formData();
  const intent = parseForm(intentSchema, formData);
  if (!intent.ok) return invalid(intent);
  const here = `/campaigns/${campaign.slug}/spending`;
  try {
    switch (intent.data.intent) {
      case "request":
      case "deliver": {
        const delivery = intent.data.intent === "deliver";
        if (delivery ? !operator : !member) throw forbidden();
        const parsed = parseForm(disbursementRequestSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const receipts = formData.getAll("receipts").filter((v): v is File => v instanceof File && v.size > 0);
        await requestDisbursement(services, { ...parsed.data, campaignId: campaign.id, requestedBy: user.id, kind: delivery ? "delivery" : "expense", receipts });
        return redirect(withNotice(here, "disbursementRequested"));
      }
      case "explain": {
        if (!member) throw forbidden();
        const parsed = parseForm(explanationSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await saveLineExplanation(services.db, campaign.id, parsed.data.budgetLineId, parsed.data.explanation);
        return redirect(withNotice(here, "saved"));
      }
      case "decide": {
        if (!operator) throw forbidden();
        return await decideDisbursementAction(services, formData, { column: "campaign_id", id: campaign.id }, user.id, here);
      }
      case "publish": {
        if (!operator) throw forbidden();
        return await publishReceiptAction(services, formData, { column: "campaign_id", id: campaign.id }, user.id, hostId, here);
      }
    }
  } catch (error) {
    return refusal(error, formData);
  }
}

function failureFor(failure: FormFailure | null, intent: string): FormFailure | null {
  return failure?.values.intent === intent ? failure : null;
}

export default function Spending() {
  const { campaign, spending, threshold, can, formKey } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const s = m.spending;
  const locale = useLocale();
  const paid = spending.disbursements.filter((d) => d.state === "paid");
  const open = spending.disbursements.filter((d) => d.state === "requested");
  const lineOptions = spending.plan.rows.map((r) => ({ value: String(r.id), label: `${r.name} (${formatWon(r.amountWon, locale)})` }));
  return (
    <div className="container page">
      <header className="page-header">
        <p>
          <Link to={`/campaigns/${campaign.slug}`}>← {campaign.title}</Link>
        </p>
        <h1>{s.title}</h1>
        <p>{s.intro}</p>
      </header>
      <FormAlert failure={failureFor(failure, "publish") ?? failureFor(failure, "explain")} />
      <section className="card">
        <h2>{s.budgetVsActual}</h2>
        <PlanBars
          testId="budget-vs-actual"
          rows={spending.plan.rows.map((r) => ({ key: r.id, name: r.name, plannedWon: r.amountWon, spentWon: r.spentWon, explanation: r.explanation }))}
          extra={(row) =>
            can.explain ? (
              <AppForm className="inline-explain">
                <input type="hidden" name="intent" value="explain" />
                <input type="hidden" name="budgetLineId" value={row.key} />
                <input name="explanation" aria-label={`${s.explanation} ${row.name}`} defaultValue={row.explanation} placeholder={s.explanation} />
                <button type="submit" className="button button-ghost button-small">
                  {s.explain}
                </button>
              </AppForm>
            ) : null
          }
        />
        <p className="small" style={{ marginTop: 12 }}>
          {s.total}: {s.spent} {formatWon(spending.plan.spentWon, locale)} / {s.planned} {formatWon(spending.plan.plannedWon, locale)} ·{" "}
          <a href={`/api/v1/campaigns/${campaign.slug}/budget.csv`} download>
            CSV
          </a>{" "}
          · <a href={`/api/v1/campaigns/${campaign.slug}`}>JSON</a>
        </p>
      </section>

      {can.insider ? <OpenRequests requests={open} canDecide={can.decide} failure={failureFor(failure, "decide")} /> : null}

      <PaidDisbursements paid={paid} canPublish={can.decide} lineLabel={s.line} />

      {can.request ? (
        <section className="card section" style={{ maxWidth: 720 }}>
          <h2>{s.requestTitle}</h2>
          <p className="muted">{s.requestIntro(formatWon(threshold, locale))}</p>
          <DisbursementRequestForm
            intent="request"
            idempotencyKey={formKey}
            failure={failureFor(failure, "request")}
            target={{ name: "budgetLineId", label: s.line, options: lineOptions }}
            withReceipts
            submitLabel={s.submitRequest}
          />
        </section>
      ) : null}

      {can.deliver ? (
        <section className="card section" style={{ maxWidth: 720 }}>
          <h2>{s.deliveryTitle}</h2>
          <p className="muted">{s.deliveryIntro}</p>
          <DisbursementRequestForm
            intent="deliver"
            idempotencyKey={`d${formKey}`}
            failure={failureFor(failure, "deliver")}
            target={{ name: "budgetLineId", label: s.line, options: lineOptions }}
            withReceipts={false}
            submitLabel={s.recordDelivery}
            variant="secondary"
            descriptionRows={2}
          />
        </section>
      ) : null}
    </div>
  );
}
