import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { PaymentChoices } from "../components/payment-methods";
import { useLocale, useMessages } from "../i18n/use-messages";
import { paymentParam, requireBorrowerMember } from "../loans/access.server";
import { confirmLoanDemoCard, confirmLoanRedirect, startLoanOnlinePayment } from "../loans/online-payments.server";
import { declineMessage, PAYMENT_METHOD_TYPES } from "../payments/methods";
import { isPaymentUnavailable } from "../payments/provider";
import { formatDate } from "../utils/dates";
import { choice } from "../utils/fields";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.loans.payOnlineTitle);

const methodSchema = z.object({ method: choice(PAYMENT_METHOD_TYPES) });

export async function loader(args: LoaderFunctionArgs) {
  const { user, enterpriseId, loanId } = await requireBorrowerMember(args);
  const services = args.context.services;
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  try {
    const step = await startLoanOnlinePayment(services, { loanId, userId: user.id });
    return json({
      loanPath,
      payment: { publicId: step.publicId, amountWon: step.amountWon, dueDate: step.dueDate, overdue: step.overdue, lastError: step.lastError ? declineMessage(step.lastError) : null },
      methods: step.methods,
      provider: services.payments.name,
      stripe: services.payments.name === "stripe" && step.clientSecret ? { publishableKey: services.env.STRIPE_PUBLISHABLE_KEY ?? "", clientSecret: step.clientSecret, kind: "payment" as const } : null,
      unavailable: false,
    });
  } catch (error) {
    if (isPaymentUnavailable(error)) return json({ loanPath, payment: null, methods: [], provider: services.payments.name, stripe: null, unavailable: true }, { status: 503 });
    // Nothing due (paid meanwhile, or the loan is closed): back to the loan.
    if (error instanceof Error && error.name === "AppError") throw redirect(loanPath);
    throw error;
  }
}

export async function action(args: ActionFunctionArgs) {
  const { enterpriseId, loanId } = await requireBorrowerMember(args);
  const services = args.context.services;
  const formData = await args.request.formData();
  const publicId = paymentParam(formData.get("payment"));
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  try {
    // The Korean methods' form names a method; the card form sends a card.
    if (formData.has("method")) {
      const parsed = parseForm(methodSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      const { redirectUrl } = await confirmLoanRedirect(services, loanId, publicId, parsed.data.method);
      return redirect(redirectUrl ?? loanPath);
    }
    const card = {
      number: String(formData.get("cardNumber") ?? "").slice(0, 40),
      expiry: String(formData.get("cardExpiry") ?? "").slice(0, 10),
      cvc: String(formData.get("cardCvc") ?? "").slice(0, 10),
    };
    const result = await confirmLoanDemoCard(services, loanId, publicId, card);
    if (result.requiresAction) return redirect(`${loanPath}/pay/authenticate?payment=${publicId}`);
    return redirect(result.state === "recorded" ? withNotice(loanPath, "loanPaidOnline") : loanPath);
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function PayLoanOnline() {
  const { loanPath, payment, methods, provider, stripe, unavailable } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const l = m.loans;
  const locale = useLocale();
  return (
    <div className="container page">
      <div className="card card-form" style={{ margin: "0 auto" }}>
        <p>
          <Link to={loanPath}>← {l.repayments}</Link>
        </p>
        <h1>{l.payOnlineTitle}</h1>
        {payment && !unavailable ? (
          <>
            <p className="big-figure" data-testid="pay-amount">
              {formatWon(payment.amountWon, locale)}
            </p>
            <p className="muted">{payment.overdue ? l.payOnlineIntroOverdue(formatDate(payment.dueDate, locale)) : l.payOnlineIntro(formatDate(payment.dueDate, locale))}</p>
            {payment.lastError && !failure ? (
              <div className="alert alert-error" role="status" data-testid="last-payment-error">
                {m.errors[payment.lastError]}
              </div>
            ) : null}
            <PaymentChoices
              methods={methods}
              provider={provider}
              stripe={stripe}
              failure={failure}
              redirectLabel={m.payments.continueNow}
              cardLabel={l.payOnlineButton(formatWon(payment.amountWon, locale))}
              returnPath={`${loanPath}/pay/return?payment=${payment.publicId}`}
              hidden={{ payment: payment.publicId }}
            />
            <p className="muted small">{l.payOnlineHint}</p>
          </>
        ) : (
          <div className="alert alert-error">{m.errors.paymentUnavailable}</div>
        )}
      </div>
    </div>
  );
}
