/** Horizontal bars drawn with CSS: a chart that needs no library and reads well on a phone. */
export interface Bar {
  key: string;
  label: string;
  value: number;
  display: string;
  tone?: "brand" | "warning" | "danger" | "muted";
}

export function Bars({ bars, testId }: { bars: Bar[]; testId?: string }) {
  const max = bars.reduce((m, b) => Math.max(m, b.value), 0);
  return (
    <ul className="bars" data-testid={testId}>
      {bars.map((bar) => {
        const width = max > 0 ? Math.max(bar.value > 0 ? 2 : 0, Math.round((bar.value * 100) / max)) : 0;
        return (
          <li key={bar.key} className="bar-row" data-key={bar.key}>
            <span className="bar-label">{bar.label}</span>
            <span className="bar-track" aria-hidden="true">
              <span className={`bar-fill bar-${bar.tone ?? "brand"}`} style={{ width: `${width}%` }} />
            </span>
            <span className="bar-value">{bar.display}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** A headline figure. */
export function Stat({ label, value, hint, testId, tone }: { label: string; value: string; hint?: string; testId?: string; tone?: "danger" }) {
  return (
    <div className={`stat${tone ? ` stat-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}
