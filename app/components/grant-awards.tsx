import { Link } from "@remix-run/react";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatWon } from "../utils/money";

export interface GrantAwardSummary {
  id: number;
  enterprise_name: string;
  application_title: string;
  amount_won: number;
  spentWon: number;
  lines: { category: string; plannedWon: number; spentWon: number }[];
}

/** The contest page's public account of its grants: each team's award and what it spent, by category. */
export function GrantAwardsSection({ awards }: { awards: GrantAwardSummary[] }) {
  const m = useMessages();
  const r = m.round;
  const locale = useLocale();
  const awarded = awards.reduce((sum, a) => sum + a.amount_won, 0);
  const spent = awards.reduce((sum, a) => sum + a.spentWon, 0);
  return (
    <section className="card section" data-testid="grant-awards">
      <h2>{r.publicAwardsTitle}</h2>
      <p className="muted">{r.publicAwardsIntro}</p>
      <p>
        <strong>{r.totals(formatWon(awarded, locale), formatWon(spent, locale))}</strong>
      </p>
      <div className="stack">
        {awards.map((award) => (
          <article key={award.id} className="reward" data-testid={`grant-award-${award.id}`}>
            <div className="reward-head">
              <Link to={`/grants/${award.id}`}>
                <strong>{award.enterprise_name}</strong>
              </Link>
              <span className="small">
                {r.awarded} <strong>{formatWon(award.amount_won, locale)}</strong> · {r.spent} <strong>{formatWon(award.spentWon, locale)}</strong>
              </span>
            </div>
            <div className="muted small">{award.application_title}</div>
            <ul className="plain-list small" style={{ marginTop: 6 }}>
              <li className="row-between muted">
                <span>{r.category}</span>
                <span>
                  {m.spending.spent} / {m.spending.planned}
                </span>
              </li>
              {award.lines.map((line) => (
                <li key={line.category} className="row-between">
                  <span>{line.category}</span>
                  <span>
                    {formatWon(line.spentWon, locale)} / {formatWon(line.plannedWon, locale)}
                  </span>
                </li>
              ))}
            </ul>
          </article>
        ))}
      </div>
    </section>
  );
}
