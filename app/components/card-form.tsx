import { useMessages } from "../i18n/use-messages";
import type { FormFailure } from "../utils/forms";
import { AppForm, Field, FormAlert, SubmitButton } from "./form";

/**
 * The demo provider's card form (Stripe Elements' stand-in), shared by every payment: it posts the
 * typed card to the page's own action, which lets the demo processor answer.
 */
export function DemoCardForm({ failure, label, hidden }: { failure: FormFailure | null; label: string; hidden?: Record<string, string> }) {
  const p = useMessages().pledges;
  return (
    <>
      <div className="alert alert-info small" data-testid="demo-notice">
        {p.demoNotice}
      </div>
      <FormAlert failure={failure} />
      <AppForm className="form" noValidate>
        {Object.entries(hidden ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <Field name="cardNumber" label={p.cardNumber} inputMode="numeric" autoComplete="cc-number" placeholder="4242 4242 4242 4242" required failure={failure} />
        <div className="form-grid">
          <Field name="cardExpiry" label={p.cardExpiry} autoComplete="cc-exp" placeholder="12/30" required failure={failure} />
          <Field name="cardCvc" label={p.cardCvc} inputMode="numeric" autoComplete="cc-csc" placeholder="123" required failure={failure} />
        </div>
        <SubmitButton>{label}</SubmitButton>
      </AppForm>
    </>
  );
}

/** Stripe Elements: the card never touches our server; Stripe returns the payer to `returnPath`. */
export function StripeCardForm({ publishableKey, clientSecret, kind, returnPath, label }: { publishableKey: string; clientSecret: string; kind: "setup" | "payment"; returnPath: string; label: string }) {
  const script = `
    (function () {
      var s = document.createElement("script");
      s.src = "https://js.stripe.com/v3/";
      s.onload = function () {
        var stripe = Stripe(${JSON.stringify(publishableKey)});
        var elements = stripe.elements({ clientSecret: ${JSON.stringify(clientSecret)} });
        elements.create("payment").mount("#stripe-element");
        document.getElementById("stripe-form").addEventListener("submit", function (e) {
          e.preventDefault();
          var params = { elements: elements, confirmParams: { return_url: location.origin + ${JSON.stringify(returnPath)} } };
          (${JSON.stringify(kind)} === "setup" ? stripe.confirmSetup(params) : stripe.confirmPayment(params)).then(function (r) {
            if (r.error) document.getElementById("stripe-error").textContent = r.error.message;
          });
        });
      };
      document.head.appendChild(s);
    })();`;
  return (
    <form id="stripe-form" className="form">
      <div id="stripe-element" />
      <p id="stripe-error" className="field-error" role="alert" />
      <button type="submit" className="button button-primary">
        {label}
      </button>
      <script dangerouslySetInnerHTML={{ __html: script }} />
    </form>
  );
}
