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
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{r.team}</th>
              <th>{r.category}</th>
              <th className="num">{r.awarded}</th>
              <th className="num">{r.spent}</th>
            </tr>
          </thead>
          <tbody>
            {awards.flatMap((award) => [
              <tr key={`a${award.id}`}>
                <td rowSpan={award.lines.length + 1}>
                  <Link to={`/grants/${award.id}`}>
                    <strong>{award.enterprise_name}</strong>
                  </Link>
                  <div className="muted small">{award.application_title}</div>
                </td>
                <td>
                  <strong>{r.awardTitle}</strong>
                </td>
                <td className="num">
                  <strong>{formatWon(award.amount_won, locale)}</strong>
                </td>
                <td className="num">
                  <strong>{formatWon(award.spentWon, locale)}</strong>
                </td>
              </tr>,
              ...award.lines.map((line) => (
                <tr key={`a${award.id}-${line.category}`}>
                  <td className="small">{line.category}</td>
                  <td className="num small">{formatWon(line.plannedWon, locale)}</td>
                  <td className="num small">{formatWon(line.spentWon, locale)}</td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
      </div>
    </section>
  );
}
