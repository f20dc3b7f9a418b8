import type { ApplicationDetail } from "../loans/applications.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate, formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";
import { ApplicationStateBadge, percent } from "./loan-parts";

type Serialized<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** What was applied for, on which product version: shown to the applicant and to the committee. */
export function ApplicationFacts({ app }: { app: Serialized<ApplicationDetail> }) {
  const m = useMessages();
  const locale = useLocale();
  const f = m.loans.facts;
  return (
    <dl className="facts" data-testid="application-facts">
      <dt>{f.state}</dt>
      <dd>
        <ApplicationStateBadge state={app.state} />
      </dd>
      <dt>{f.enterprise}</dt>
      <dd>
        {app.enterprise_name} <span className="muted small">· {m.common.enterpriseTypes[app.enterprise_type]} · {app.enterprise_district}</span>
      </dd>
      <dt>{f.product}</dt>
      <dd>
        {app.product_name} <span className="muted small">({f.productVersion(app.product_version)})</span>
      </dd>
      <dt>{f.amount}</dt>
      <dd data-testid="application-amount">{formatWon(app.amount_won, locale)}</dd>
      <dt>{f.rate}</dt>
      <dd>
        {percent(app.rate_bp)} · {m.fund.methods[app.repayment_method]} · {m.fund.months(app.term_months)}
      </dd>
      <dt>{f.purpose}</dt>
      <dd>{app.purpose}</dd>
      <dt>{f.storeAddress}</dt>
      <dd>{app.store_address}</dd>
      <dt>{f.landlord}</dt>
      <dd>{app.landlord_name}</dd>
      <dt>{f.leaseDeposit}</dt>
      <dd>{formatWon(app.lease_deposit_won, locale)}</dd>
      <dt>{f.leaseTerm}</dt>
      <dd>
        {formatDate(app.lease_starts_on, locale)} – {formatDate(app.lease_ends_on, locale)}
      </dd>
      <dt>{f.submittedAt}</dt>
      <dd>
        {formatDateTime(app.submitted_at, locale)} <span className="muted small">· {app.submitter_name}</span>
      </dd>
      {app.reviewer_name ? (
        <>
          <dt>{f.reviewer}</dt>
          <dd>
            {app.reviewer_name}
            {app.review_note ? <div className="muted small">{app.review_note}</div> : null}
          </dd>
        </>
      ) : null}
      {app.decided_at ? (
        <>
          <dt>{f.decidedAt}</dt>
          <dd>
            {formatDateTime(app.decided_at, locale)} <span className="muted small">· {app.decider_name}</span>
            {app.decision_note ? <div className="muted small">{app.decision_note}</div> : null}
          </dd>
        </>
      ) : null}
    </dl>
  );
}
