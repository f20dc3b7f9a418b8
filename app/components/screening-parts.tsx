import type { SerializeFrom } from "@remix-run/node";
import { Link } from "@remix-run/react";
import type { PublicFunnel, ScreeningCallResults } from "../contests/screening.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";
import { formatWon } from "../utils/money";
import { Bars } from "./bars";

// The public parts of a call decided by screening: the funnel, the selected enterprises with
// their grants, and a training programme's courses (counts only, never people).

export function FunnelSummary({ funnel, people }: { funnel: SerializeFrom<PublicFunnel>; people: boolean }) {
  const s = useMessages().screening;
  if (!funnel.selectedOn) return <>{s.notSelectedYet}</>;
  return <>{people ? s.peopleSummary(funnel.applicants, funnel.selected) : s.summary(funnel.applicants, funnel.selected)}</>;
}

export function ScreeningFunnelCard({ funnel, people }: { funnel: SerializeFrom<PublicFunnel>; people: boolean }) {
  const m = useMessages();
  const s = m.screening;
  const locale = useLocale();
  const count = people ? s.people : s.count;
  return (
    <section className="card" data-testid="screening-funnel">
      <h2>{s.funnelTitle}</h2>
      <p className="lead" data-testid="funnel-summary">
        <FunnelSummary funnel={funnel} people={people} />
      </p>
      <Bars
        testId="funnel-bars"
        bars={[
          { key: "applied", label: s.applied, value: funnel.applicants, display: count(funnel.applicants), tone: "muted" },
          ...funnel.steps.map((step) => ({ key: `step-${step.id}`, label: s.passedStep(step.title), value: step.passed, display: count(step.passed), tone: "warning" as const })),
          { key: "selected", label: s.selected, value: funnel.selected, display: count(funnel.selected) },
        ]}
      />
      <div className="table-wrap">
        <table data-testid="funnel-steps">
          <caption className="muted small">{s.funnelIntro}</caption>
          <thead>
            <tr>
              <th>{s.step}</th>
              <th className="num hide-narrow">{s.entered}</th>
              <th className="num">{s.passed}</th>
              <th className="num">{s.failed}</th>
            </tr>
          </thead>
          <tbody>
            {funnel.steps.map((step) => (
              <tr key={step.id}>
                <td>
                  <strong>{step.title}</strong>
                  <div className="muted small">
                    {[
                      m.contestWork.screeningKinds[step.kind] === step.title ? null : m.contestWork.screeningKinds[step.kind],
                      step.windowFrom && step.windowTo ? `${formatDate(step.windowFrom, locale)} – ${formatDate(step.windowTo, locale)}` : null,
                    ]
                      .filter((part) => part !== null)
                      .join(" · ")}
                  </div>
                </td>
                <td className="num hide-narrow">{step.entered}</td>
                <td className="num">{step.passed}</td>
                <td className="num">{step.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The selected enterprises by name, as the source publishes them (the contest page; amounts are in its grants section). */
export function SelectedList({ selected }: Pick<SerializeFrom<ScreeningCallResults>, "selected">) {
  const s = useMessages().screening;
  return (
    <section className="card" data-testid="selected-enterprises">
      <h2>{s.selectedEnterprises}</h2>
      <ul className="plain-list">
        {selected.map((row) => (
          <li key={row.id} data-testid="selected-enterprise">
            <Link to={`/enterprises/${row.enterprise_id}`}>
              <strong>{row.enterprise_name}</strong>
            </Link>
            <div className="muted small">{row.title}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The selected enterprises with what each asked for, was awarded and was paid (the results page). */
export function SelectedEnterprises({ selected, awards }: Pick<SerializeFrom<ScreeningCallResults>, "selected" | "awards">) {
  const m = useMessages();
  const s = m.screening;
  const locale = useLocale();
  return (
    <section className="card table-wrap" data-testid="selected-enterprises">
      <h2>{s.selectedEnterprises}</h2>
      <table>
        <thead>
          <tr>
            <th>{s.enterprise}</th>
            <th className="num hide-narrow">{s.requested}</th>
            <th className="num">{s.awarded}</th>
            <th className="num">{s.paid}</th>
          </tr>
        </thead>
        <tbody>
          {selected.map((row) => {
            const award = awards.find((a) => a.application_id === row.id);
            return (
              <tr key={row.id} data-testid="selected-enterprise">
                <td className="cell-title">
                  <Link to={`/enterprises/${row.enterprise_id}`}>{row.enterprise_name}</Link>
                  <div className="muted small">{row.title}</div>
                </td>
                <td className="num hide-narrow">{row.budget_won === null ? "—" : formatWon(row.budget_won, locale)}</td>
                <td className="num">{award ? formatWon(award.amount_won, locale) : "—"}</td>
                <td className="num">{award ? <Link to={`/grants/${award.id}`}>{formatWon(award.spentWon, locale)}</Link> : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function CoursesTable({ courses }: Pick<SerializeFrom<ScreeningCallResults>, "courses">) {
  const s = useMessages().screening;
  return (
    <section className="card table-wrap" data-testid="courses">
      <h2>{s.coursesTitle}</h2>
      <table>
        <thead>
          <tr>
            <th>{s.course}</th>
            <th className="num">{s.applicants}</th>
            <th className="num">{s.selected}</th>
          </tr>
        </thead>
        <tbody>
          {courses.map((course) => (
            <tr key={course.id} data-testid="course">
              <td className="cell-title">
                {course.title}
                {course.note ? <div className="muted small">{course.note}</div> : null}
              </td>
              <td className="num">{course.applicants}</td>
              <td className="num">{course.selected}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{s.privacy}</p>
    </section>
  );
}
