import type { ContestStageKind } from "../../db/types";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";

export interface StageItem {
  kind: ContestStageKind;
  starts_on: string;
  ends_on: string | null;
  note: string;
}

export function StageTimeline({ stages }: { stages: StageItem[] }) {
  const m = useMessages();
  const locale = useLocale();
  return (
    <ol className="timeline">
      {stages.map((stage) => (
        <li key={stage.kind}>
          <div className="when">
            {formatDate(stage.starts_on, locale)}
            {stage.ends_on ? ` – ${formatDate(stage.ends_on, locale)}` : ""}
          </div>
          <strong>{m.common.stageKinds[stage.kind]}</strong>
          {stage.note ? <div className="muted small">{stage.note}</div> : null}
        </li>
      ))}
    </ol>
  );
}
