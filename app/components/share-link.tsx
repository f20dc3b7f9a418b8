import { useState } from "react";
import { useMessages } from "../i18n/use-messages";

export function ShareLink({ url }: { url: string }) {
  const m = useMessages();
  const [copied, setCopied] = useState(false);
  return (
    <div className="share">
      <label className="muted small" htmlFor="share-url">
        {m.campaigns.share}
      </label>
      <div className="share-row">
        <input id="share-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(() => setCopied(true));
          }}
        >
          {copied ? m.campaigns.copied : m.campaigns.shareCopy}
        </button>
      </div>
    </div>
  );
}
