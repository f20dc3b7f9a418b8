import type { ConsultationTopic } from "../consulting/consulting";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDateTime } from "../utils/dates";

export interface ConsultationView {
  id: number;
  topic: ConsultationTopic;
  body: string;
  requests_changes: boolean;
  created_at: string;
  author: string;
}

/** A campaign's consulting comments, as the consultant, the enterprise and the operator see them. */
export function ConsultationList({ consultations }: { consultations: ConsultationView[] }) {
  const m = useMessages();
  const r = m.round;
  const locale = useLocale();
  if (consultations.length === 0) return <p className="muted">{r.noComments}</p>;
  return (
    <div className="stack" data-testid="consultations">
      {consultations.map((c) => (
        <article key={c.id}>
          <span className="badge">{r.topics[c.topic]}</span>{" "}
          {c.requests_changes ? <span className="badge badge-warning">{r.changesRequested}</span> : null}{" "}
          <span className="muted small">
            {c.author} · {formatDateTime(c.created_at, locale)}
          </span>
          <p style={{ whiteSpace: "pre-wrap", marginTop: 6 }}>{c.body}</p>
        </article>
      ))}
    </div>
  );
}
