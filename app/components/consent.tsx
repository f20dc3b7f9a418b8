import { Link } from "@remix-run/react";
import { useId } from "react";
import { useMessages } from "../i18n/use-messages";
import type { FormFailure } from "../utils/forms";
import { FieldErrorText } from "./form";

/** One consent as the law asks it to be shown: purpose, items, retention, the right to refuse; then its box. */
export function ConsentField({ name, text, failure }: { name: string; text: { title: string; purpose: string; items: string; retention: string; refusal: string; agree: string }; failure: FormFailure | null }) {
  const m = useMessages();
  const c = m.privacy.consents;
  const id = `consent-${name}-${useId().replace(/:/g, "")}`;
  const errors = failure?.fieldErrors[name] ?? [];
  const checked = failure ? failure.values[name] === "on" : false;
  return (
    <section className={`consent${errors.length > 0 ? " field-invalid" : ""}`} aria-labelledby={`${id}-title`} data-testid={`consent-${name}`}>
      <h2 className="consent-title" id={`${id}-title`}>
        {text.title}
      </h2>
      <dl className="consent-terms" id={`${id}-terms`}>
        <dt>{c.purposeLabel}</dt>
        <dd>{text.purpose}</dd>
        <dt>{c.itemsLabel}</dt>
        <dd>{text.items}</dd>
        <dt>{c.retentionLabel}</dt>
        <dd>{text.retention}</dd>
        <dt>{c.refusalLabel}</dt>
        <dd>{text.refusal}</dd>
      </dl>
      <label className="check-line consent-agree">
        <input type="checkbox" name={name} defaultChecked={checked} aria-describedby={[`${id}-terms`, errors.length > 0 ? `${id}-error` : null].filter(Boolean).join(" ")} aria-invalid={errors.length > 0 || undefined} />
        <span>{text.agree}</span>
      </label>
      <FieldErrorText id={`${id}-error`} name={name} errors={errors} />
    </section>
  );
}

export function PolicyLink() {
  const m = useMessages();
  return (
    <p className="small">
      <Link to="/privacy">{m.privacy.consents.policyLink}</Link>
    </p>
  );
}
