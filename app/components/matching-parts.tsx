import { Link } from "@remix-run/react";
import { useState, type FormEvent, type ReactNode } from "react";
import { useLocale, useMessages } from "../i18n/use-messages";
import { ALLOCATION_MODES, computeMatch, type MatchingRules, type MatchingState } from "../matching/matching";
import { factorLabel, type RulesInput } from "../matching/matching-forms";
import type { FormFailure } from "../utils/forms";
import { formatWon, parseWonInput } from "../utils/money";
import { Stat } from "./bars";
import { Field, SelectField } from "./form";

/** One rule version as a list of facts. */
export function RulesFacts({ rules }: { rules: MatchingRules }) {
  const m = useMessages();
  const x = m.matching;
  const locale = useLocale();
  const cap = (value: number | null) => (value === null ? x.noCap : formatWon(value, locale));
  return (
    <dl className="facts" data-testid={`rules-v${rules.version}`}>
      <dt>{x.factor}</dt>
      <dd>
        {x.factorValue(factorLabel(rules.factorBp))} <span className="muted small">({x.percent(rules.factorBp / 100)})</span>
      </dd>
      <dt>{x.capPerPledge}</dt>
      <dd>{cap(rules.capPerPledgeWon)}</dd>
      <dt>{x.capPerCampaign}</dt>
      <dd>{cap(rules.capPerCampaignWon)}</dd>
      <dt>{x.capPerBacker}</dt>
      <dd>{cap(rules.capPerBackerWon)}</dd>
      <dt>{x.minBackers}</dt>
      <dd>{x.people(rules.minDistinctBackers)}</dd>
      <dt>{x.threshold}</dt>
      <dd>{x.percent(rules.thresholdBp / 100)}</dd>
      <dt>{x.allocation}</dt>
      <dd>
        {x.allocations[rules.allocation]}
        <div className="muted small">{x.allocationHelp[rules.allocation]}</div>
      </dd>
    </dl>
  );
}

export interface PoolFiguresView {
  totalWon: number;
  remainingWon: number;
  committedWon: number;
  releasedWon: number;
  returnedToSponsorWon: number;
}

export function PoolStats({ figures }: { figures: PoolFiguresView }) {
  const m = useMessages();
  const x = m.matching;
  const locale = useLocale();
  return (
    <div className="stats">
      <Stat label={x.total} value={formatWon(figures.totalWon, locale)} testId="pool-total" />
      <Stat label={x.remaining} value={formatWon(figures.remainingWon, locale)} testId="pool-remaining" />
      <Stat label={x.committed} value={formatWon(figures.committedWon, locale)} testId="pool-committed" />
      <Stat label={x.released} value={formatWon(figures.releasedWon, locale)} testId="pool-released" />
      <Stat label={x.returnedToSponsor} value={formatWon(figures.returnedToSponsorWon, locale)} testId="pool-returned" />
    </div>
  );
}

/** The rule fields of the publish form and of the simulator. */
export function RulesFields({ failure, initial }: { failure: FormFailure | null; initial: Partial<Record<keyof RulesInput, string>> }) {
  const m = useMessages();
  const x = m.matching;
  return (
    <div className="form">
      <Field name="factorPct" label={x.factorField} hint={x.factorHint} inputMode="numeric" required failure={failure} defaultValue={initial.factorPct ?? "100"} />
      <SelectField
        name="allocation"
        label={x.allocationField}
        required
        failure={failure}
        defaultValue={initial.allocation ?? "first_come"}
        options={ALLOCATION_MODES.map((mode) => ({ value: mode, label: x.allocations[mode] }))}
      />
      <Field name="capPerPledge" label={x.capPerPledgeField} hint={x.capHint} inputMode="numeric" failure={failure} defaultValue={initial.capPerPledge} />
      <Field name="capPerCampaign" label={x.capPerCampaignField} hint={x.capHint} inputMode="numeric" failure={failure} defaultValue={initial.capPerCampaign} />
      <Field name="capPerBacker" label={x.capPerBackerField} hint={x.capHint} inputMode="numeric" failure={failure} defaultValue={initial.capPerBacker} />
      <Field name="minBackers" label={x.minBackersField} inputMode="numeric" failure={failure} defaultValue={initial.minBackers ?? "0"} />
      <Field name="thresholdPct" label={x.thresholdField} hint={x.thresholdHint} inputMode="numeric" failure={failure} defaultValue={initial.thresholdPct ?? "0"} />
    </div>
  );
}

export interface CampaignPoolPanelView {
  contestSlug: string;
  sponsorName: string;
  totalWon: number;
  remainingWon: number;
  reserveLeftWon: number | null;
  closed: boolean;
  rules: MatchingRules | null;
  matching: { matchedWon: number; committedWon: number; releasedWon: number };
}

/** The campaign page's card: who matches, what this campaign got, what is left in the pool. */
/** `backedWon`: raised plus pledged and not yet charged, as the progress bar counts it. */
export function CampaignMatchingCard({ panel, backedWon }: { panel: CampaignPoolPanelView; backedWon: number }) {
  const m = useMessages();
  const x = m.matching;
  const locale = useLocale();
  return (
    <section className="card" data-testid="matching-card">
      <h2>
        {x.campaignCardTitle} {panel.closed ? <span className="badge">{x.closedBadge}</span> : null}
      </h2>
      <p className="small">{x.campaignCardBody(panel.sponsorName)}</p>
      <dl className="facts">
        <dt>{x.matchedSoFar}</dt>
        <dd data-testid="matched">
          <strong>{formatWon(panel.matching.matchedWon, locale)}</strong>
        </dd>
        <dt>{x.raisedWithMatch}</dt>
        <dd data-testid="raised-with-match">{formatWon(backedWon + panel.matching.matchedWon, locale)}</dd>
        <dt>{x.remaining}</dt>
        <dd data-testid="pool-remaining">
          {formatWon(panel.remainingWon, locale)} <span className="muted small">/ {formatWon(panel.totalWon, locale)}</span>
        </dd>
        {panel.reserveLeftWon !== null ? (
          <>
            <dt>{x.reserveLeft}</dt>
            <dd data-testid="reserve-left">{formatWon(panel.reserveLeftWon, locale)}</dd>
          </>
        ) : null}
        {panel.rules ? (
          <>
            <dt>{x.factor}</dt>
            <dd>{x.factorValue(factorLabel(panel.rules.factorBp))}</dd>
          </>
        ) : null}
      </dl>
      <p className="muted small">{panel.rules ? x.matchNotInGoal : x.noRules}</p>
      <Link to={`/contests/${panel.contestSlug}/matching`} className="small">
        {x.rulesLink} →
      </Link>
    </section>
  );
}

export type MatchEstimateView = Omit<MatchingState, "pledgeWon"> & { rules: MatchingRules };

/**
 * Wraps the pledge form's amount field and says, as the backer types, about how much the pool
 * would add: the same `computeMatch` the server runs, on the state read when the page loaded.
 */
export function MatchEstimate({ context, children }: { context: MatchEstimateView; children: ReactNode }) {
  const m = useMessages();
  const x = m.matching;
  const locale = useLocale();
  const [amount, setAmount] = useState<number | null>(null);
  const onInput = (event: FormEvent<HTMLDivElement>) => {
    const target = event.target as HTMLInputElement;
    if (target.name === "amount") setAmount(parseWonInput(target.value));
  };
  let message: string | null = null;
  if (amount !== null && amount >= 1) {
    const { rules, ...state } = context;
    const decision = computeMatch(rules, { ...state, pledgeWon: amount });
    message = decision.matchWon > 0 ? x.estimate(formatWon(decision.matchWon, locale)) : x.estimateNone(x.limits[decision.limitedBy]);
  }
  return (
    <div onInput={onInput}>
      {children}
      <p className="alert alert-info small" data-testid="match-estimate" aria-live="polite" hidden={message === null}>
        {message}
        <br />
        <span className="muted">{x.estimateHelp}</span>
      </p>
    </div>
  );
}
