import { useMessages } from "../i18n/use-messages";
import { isRedirectMethod, type PaymentMethodType } from "../payments/methods";
import type { FormFailure } from "../utils/forms";
import { DemoCardForm, StripeCardForm } from "./card-form";
import { AppForm, FormAlert, SubmitButton } from "./form";

export interface PaymentChoicesProps {
  /** The methods offered for this intent, in display order. */
  methods: readonly PaymentMethodType[];
  provider: "demo" | "stripe";
  stripe: { publishableKey: string; clientSecret: string; kind: "setup" | "payment" } | null;
  failure: FormFailure | null;
  /** Labels of the two submit buttons: the Korean methods' form, and the card form. */
  redirectLabel: string;
  cardLabel: string;
  /** Where Stripe.js returns the payer after a card. */
  returnPath: string;
  hidden?: Record<string, string>;
  note?: string;
}

/**
 * How a payer pays: the Korean methods (a domestic card through its issuer's app, the wallets),
 * approved on the provider's page, as choice cards in one form; below, a card number typed in
 * (the demo's form or Stripe's card element). A failure shows at the form it came from.
 */
export function PaymentChoices({ methods, provider, stripe, failure, redirectLabel, cardLabel, returnPath, hidden, note }: PaymentChoicesProps) {
  const m = useMessages();
  const p = m.payments;
  const redirectMethods = methods.filter(isRedirectMethod);
  const offersCard = methods.includes("card");
  const fromRedirectForm = failure !== null && typeof failure.values.method === "string";
  const chosen = (fromRedirectForm ? failure?.values.method : undefined) ?? redirectMethods[0];
  const methodErrors = fromRedirectForm ? (failure?.fieldErrors.method ?? []) : [];
  return (
    <>
      {redirectMethods.length > 0 ? (
        <AppForm className="form" noValidate data-testid="redirect-methods">
          {Object.entries(hidden ?? {}).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <FormAlert failure={fromRedirectForm ? failure : null} />
          <fieldset className="field" aria-describedby={methodErrors.length > 0 ? "method-error" : undefined}>
            <legend style={{ fontWeight: 600 }}>{p.chooseMethod}</legend>
            <div className="choice-list">
              {redirectMethods.map((type) => (
                <label key={type} className="choice">
                  <input type="radio" name="method" value={type} defaultChecked={chosen === type} />
                  <span>
                    <strong>{p.methods[type]}</strong>
                    <span className="muted small" style={{ display: "block" }}>
                      {p.methodHints[type]}
                    </span>
                  </span>
                </label>
              ))}
            </div>
            {methodErrors.length > 0 ? (
              <p className="field-error" id="method-error" data-testid="error-method">
                {methodErrors.map((key) => m.errors[key]).join(" ")}
              </p>
            ) : null}
          </fieldset>
          {note ? <p className="muted small">{note}</p> : null}
          <p className="muted small" data-testid="redirect-notice">
            {provider === "demo" ? p.demoRedirectNotice : p.redirectNotice}
          </p>
          <SubmitButton>{redirectLabel}</SubmitButton>
        </AppForm>
      ) : null}
      {offersCard ? (
        <section aria-labelledby="pay-by-card" style={redirectMethods.length > 0 ? { marginTop: 28 } : undefined}>
          <h2 id="pay-by-card" className={redirectMethods.length > 0 ? undefined : "visually-hidden"}>
            {p.orCard}
          </h2>
          {provider === "demo" ? (
            <DemoCardForm failure={fromRedirectForm ? null : failure} label={cardLabel} hidden={hidden} />
          ) : stripe ? (
            <StripeCardForm publishableKey={stripe.publishableKey} clientSecret={stripe.clientSecret} kind={stripe.kind} returnPath={returnPath} label={cardLabel} />
          ) : null}
        </section>
      ) : null}
    </>
  );
}
