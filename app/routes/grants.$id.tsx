import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { hasStaffRole, idParam, membershipOf, optionalUser, requireUser } from "../auth/guards.server";
import { DisbursementRequestForm, OpenRequests, PaidDisbursements, PlanBars } from "../components/disbursement-parts";
import { FormAlert, useFormFailure } from "../components/form";
import { LedgerSeqLink } from "../components/ledger-entries";
import { withNotice } from "../components/notice";
import { decideDisbursementAction, publishReceiptAction } from "../disbursements/oversight-actions.server";
import { getThreshold, listDisbursements, requestGrantDisbursement } from "../disbursements/disbursements.server";
import { grantPeriodStanding } from "../contests/grants";
import { grantDisbursementRequestSchema } from "../grants/awards";
import { getGrantAward } from "../grants/awards.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate, formatDateTime, seoulDate } from "../utils/dates";
import { parseForm, type FormFailure } from "../utils/forms";
import { forbidden, invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";
import { newToken } from "../utils/tokens.server";

export const meta = titled<typeof loader>((m, data) => `${m.round.awardTitle} · ${data?.award.enterprise_name ?? ""}`);

// A grant award in public: its plan by expense category, what was spent (from the ledger) and
// every payment. The awardee requests payments here and the host's operators decide, through the
// same four-eyes flow as a campaign's spending.

async function load(args: LoaderFunctionArgs) {
  const award = await getGrantAward(args.context.services.db, idParam(args.params.id));
  if (!award) throw notFound();
  const user = await optionalUser(args);
  const member = membershipOf(user, award.enterprise_id) !== null;
  const operator = hasStaffRole(user, award.host_id, ["operator"]);
  const insider = member || operator || hasStaffRole(user, award.host_id, ["auditor"]) || (user?.isPlatformAdmin ?? false);
  return { award, member, operator, insider };
}

export async function loader(args: LoaderFunctionArgs) {
  const { award, member, operator, insider } = await load(args);
  const { db, clock } = args.context.services;
  const [disbursements, threshold] = await Promise.all([listDisbursements(db, { grantAwardId: award.id }, { insider }), getThreshold(db)]);
  const period = grantPeriodStanding({ periodFrom: award.period_from, periodTo: award.period_to }, seoulDate(clock.now()));
  return json({ award, disbursements, threshold, period, can: { request: member, decide: operator, insider }, formKey: newToken() });
}

const intentSchema = z.object({ intent: z.enum(["request", "decide", "publish"], { error: "invalid" }) });

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { award, member, operator } = await load(args);
  const services = args.context.services;
  const formData = await args.request.formData();
  const intent = parseForm(intentSchema, formData);
  if (!intent.ok) return invalid(intent);
  const here = `/grants/${award.id}`;
  try {
    switch (intent.data.intent) {
      case "request": {
        if (!member) throw forbidden();
        const parsed = parseForm(grantDisbursementRequestSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const receipts = formData.getAll("receipts").filter((v): v is File => v instanceof File && v.size > 0);
        await requestGrantDisbursement(services, { ...parsed.data, grantAwardId: award.id, requestedBy: user.id, kind: "expense", receipts });
        return redirect(withNotice(here, "disbursementRequested"));
      }
      case "decide": {
        if (!operator) throw forbidden();
        return await decideDisbursementAction(services, formData, { column: "grant_award_id", id: award.id }, user.id, here);
      }
      case "publish": {
        if (!operator) throw forbidden();
        return await publishReceiptAction(services, formData, { column: "grant_award_id", id: award.id }, user.id, award.host_id, here);
      }
    }
  } catch (error) {
    return refusal(error, formData);
  }
}

function failureFor(failure: FormFailure | null, intent: string): FormFailure | null {
  return failure?.values.intent === intent ? failure : null;
}

export default function GrantAward() {
  const { award, disbursements, threshold, period, can, formKey } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const r = m.round;
  const s = m.spending;
  const locale = useLocale();
  const paid = disbursements.filter((d) => d.state === "paid");
  const open = disbursements.filter((d) => d.state === "requested");
  return (
    <div className="container page">
      <header className="page-header">
        <p>
          <Link to={`/contests/${award.contest_slug}`}>← {award.contest_title}</Link>
        </p>
        <h1>
          {r.awardTitle} · {award.enterprise_name}
        </h1>
        <p>{r.awardIntro2}</p>
      </header>
      <FormAlert failure={failureFor(failure, "publish")} />
      <div className="two-col">
        <section className="card">
          <h2>{award.application_title}</h2>
          <dl className="facts" data-testid="award-facts">
            <dt>{r.rulesTitleField}</dt>
            <dd>{award.rules_title}</dd>
            <dt>{r.awarded}</dt>
            <dd>
              <strong>{formatWon(award.amount_won, locale)}</strong>
            </dd>
            <dt>{r.spent}</dt>
            <dd>{formatWon(award.spentWon, locale)}</dd>
            <dt>{r.source}</dt>
            <dd>{award.funding_source}</dd>
            {award.period_from && award.period_to ? (
              <>
                <dt>{r.grantPeriod}</dt>
                <dd>
                  {formatDate(award.period_from, locale)} – {formatDate(award.period_to, locale)}
                </dd>
              </>
            ) : null}
            <dt>{r.awardedOn}</dt>
            <dd>{formatDateTime(award.awarded_at, locale)}</dd>
            <dt>{r.ledgerEntry}</dt>
            <dd>
              <LedgerSeqLink seq={award.ledger_seq} />
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>{r.planVsSpent}</h2>
          <PlanBars testId="grant-plan" rows={award.lines.map((l) => ({ key: l.category, name: l.category, plannedWon: l.plannedWon, spentWon: l.spentWon }))} />
        </section>
      </div>

      {can.insider ? <OpenRequests requests={open} canDecide={can.decide} failure={failureFor(failure, "decide")} /> : null}

      <PaidDisbursements paid={paid} canPublish={can.decide} lineLabel={r.category} />

      {can.request ? (
        <section className="card section" style={{ maxWidth: 720 }}>
          <h2>{s.requestTitle}</h2>
          {period === "open" ? <p className="muted">{s.requestIntro(formatWon(threshold, locale))}</p> : null}
          {/* A form loaded before the period ended can still be sent: the action refuses it with the reason. */}
          {failureFor(failure, "request") && period !== "open" ? <FormAlert failure={failureFor(failure, "request")} /> : null}
          {period === "notStarted" ? (
            <p className="alert alert-info" data-testid="grant-period-closed">
              {r.periodNotStarted(formatDate(award.period_from ?? "", locale))}
            </p>
          ) : period === "ended" ? (
            <p className="alert alert-info" data-testid="grant-period-closed">
              {r.periodEnded(formatDate(award.period_to ?? "", locale))}
            </p>
          ) : (
            <DisbursementRequestForm
              intent="request"
              idempotencyKey={formKey}
              failure={failureFor(failure, "request")}
              target={{
                name: "expenseCategory",
                label: r.category,
                options: award.lines.map((l) => ({ value: l.category, label: `${l.category} (${formatWon(l.plannedWon - l.spentWon, locale)} / ${formatWon(l.plannedWon, locale)})` })),
              }}
              withReceipts
              submitLabel={s.submitRequest}
            />
          )}
        </section>
      ) : null}
    </div>
  );
}
