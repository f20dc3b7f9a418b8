import { useLocale, useMessages } from "../i18n/use-messages";
import { formatWon } from "../utils/money";
import type { FormFailure } from "../utils/forms";
import { AppForm, Field, FormAlert, SubmitButton, useFormFailure } from "./form";

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

/**
 * Stripe's card element: the card never touches our server. The intent also lists the Korean
 * methods (chosen in the form above), so only the card element is shown here; after Stripe.js
 * confirmed it (3-D Secure included) the payer goes to `returnPath`, which applies the result.
 */
export function StripeCardForm({ publishableKey, clientSecret, kind, returnPath, label }: { publishableKey: string; clientSecret: string; kind: "setup" | "payment"; returnPath: string; label: string }) {
  const script = `
    (function () {
      var s = document.createElement("script");
      s.src = "https://js.stripe.com/v3/";
      s.onload = function () {
        var stripe = Stripe(${JSON.stringify(publishableKey)});
        var card = stripe.elements().create("card");
        card.mount("#stripe-element");
        document.getElementById("stripe-form").addEventListener("submit", function (e) {
          e.preventDefault();
          var secret = ${JSON.stringify(clientSecret)};
          var data = { payment_method: { card: card } };
          (${JSON.stringify(kind)} === "setup" ? stripe.confirmCardSetup(secret, data) : stripe.confirmCardPayment(secret, data)).then(function (r) {
            if (r.error) document.getElementById("stripe-error").textContent = r.error.message;
            else location.assign(${JSON.stringify(returnPath)});
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

/**
 * The demo provider's 3-D Secure page: the card holder approves or refuses the payment. After a
 * refusal it offers the way back to the card form.
 */
export function DemoAuthenticationPage({ amountWon, retryHref, retryLabel }: { amountWon: number; retryHref: string; retryLabel: string }) {
  const failure = useFormFailure();
  const p = useMessages().pledges;
  const locale = useLocale();
  return (
    <div className="container page">
      <div className="card card-form" style={{ margin: "0 auto", textAlign: "center" }}>
        <h1>{p.authTitle}</h1>
        <p className="big-figure">{formatWon(amountWon, locale)}</p>
        <p className="muted">{p.authBody}</p>
        <FormAlert failure={failure} />
        {failure ? (
          <a href={retryHref} className="button button-secondary">
            {retryLabel}
          </a>
        ) : (
          <AppForm className="button-row" style={{ justifyContent: "center" }}>
            <SubmitButton name="decision" value="approve">
              {p.approve}
            </SubmitButton>
            <SubmitButton name="decision" value="deny" variant="danger">
              {p.deny}
            </SubmitButton>
          </AppForm>
        )}
      </div>
    </div>
  );
}
