import { useSearchParams } from "@remix-run/react";
import { useMessages } from "../i18n/use-messages";
import type { NoticeKey } from "../i18n/messages/notices";

export function Notice() {
  const [params] = useSearchParams();
  const m = useMessages();
  const key = params.get("notice");
  if (!key || !Object.hasOwn(m.notices, key)) return null;
  return (
    <div className="alert alert-success" role="status" data-testid="notice">
      {m.notices[key as NoticeKey]}
    </div>
  );
}

/** Appends ?notice=key to a path for the confirmation shown after a redirect. */
export function withNotice(path: string, notice: NoticeKey): string {
  return `${path}${path.includes("?") ? "&" : "?"}notice=${notice}`;
}
