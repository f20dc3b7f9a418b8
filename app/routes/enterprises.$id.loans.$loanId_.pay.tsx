import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DemoCardForm, StripeCardForm } from "../components/card-form";
import { useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { paymentParam, requireBorrowerMember } from "../loans/access.server";
import { confirmLoanDemoCard, startLoanOnlinePayment } from "../loans/online-payments.server";
import { isPaymentUnavailable } from "../payments/provider";
import { formatDate } from "../utils/dates";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.loans.payOnlineTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { user, enterpriseId, loanId } = await requireBorrowerMember(args);
  const services = args.context.services;
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  try {
    const step = await startLoanOnlinePayment(services, { loanId, userId: user.id });
    return json({
      loanPath,
      payment: { publicId: step.publicId, amountWon: step.amountWon, dueDate: step.dueDate, overdue: step.overdue },
      provider: services.payments.name,
      stripe: services.payments.name === "stripe" && step.clientSecret ? { publishableKey: services.env.STRIPE_PUBLISHABLE_KEY ?? "", clientSecret: step.clientSecret } : null,
      unavailable: false,
    });
  } catch (error) {
    if (isPaymentUnavailable(error)) return json({ loanPath, payment: null, provider: services.payments.name, stripe: null, unavailable: true }, { status: 503 });
    // Nothing due (paid meanwhile, or the loan is closed): back to the loan.
    if (error instanceof Error && error.name === "AppError") throw redirect(loanPath);
    throw error;
  }
}

export async function action(args: ActionFunctionArgs) {
  const { enterpriseId, loanId } = await requireBorrowerMember(args);
  const formData = await args.request.formData();
  const publicId = paymentParam(formData.get("payment"));
  const card = {
    number: String(formData.get("cardNumber") ?? "").slice(0, 40),
    expiry: String(formData.get("cardExpiry") ?? "").slice(0, 10),
    cvc: String(formData.get("cardCvc") ?? "").slice(0, 10),
  };
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  try {
    const result = await confirmLoanDemoCard(args.context.services, loanId, publicId, card);
    if (result.requiresAction) return redirect(`${loanPath}/pay/authenticate?payment=${publicId}`);
    return redirect(result.state === "recorded" ? withNotice(loanPath, "loanPaidOnline") : loanPath);
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function PayLoanOnline() {
  const { loanPath, payment, provider, stripe, unavailable } = useLoaderData<typeof loader>();
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
            {provider === "demo" ? (
              <DemoCardForm failure={failure} label={l.payOnlineButton(formatWon(payment.amountWon, locale))} hidden={{ payment: payment.publicId }} />
            ) : stripe ? (
              <StripeCardForm publishableKey={stripe.publishableKey} clientSecret={stripe.clientSecret} kind="payment" returnPath={`${loanPath}/pay/return?payment=${payment.publicId}`} label={l.payOnlineButton(formatWon(payment.amountWon, locale))} />
            ) : null}
            <p className="muted small">{l.payOnlineHint}</p>
          </>
        ) : (
          <div className="alert alert-error">{m.errors.paymentUnavailable}</div>
        )}
      </div>
    </div>
  );
}
