import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { withNotice } from "../components/notice";
import { paymentParam, requireBorrowerMember } from "../loans/access.server";
import { refreshLoanPayment } from "../loans/online-payments.server";
import { isPaymentUnavailable } from "../payments/provider";

// Where the member comes back from the provider's page (Stripe.js, a Korean card's issuer app, a
// wallet): read the intent and apply it now, rather than wait for the webhook (which, arriving
// later, changes nothing). Not approved there: back to the payment page, which says why.
export async function loader(args: LoaderFunctionArgs) {
  const { enterpriseId, loanId } = await requireBorrowerMember(args);
  const publicId = paymentParam(new URL(args.request.url).searchParams.get("payment"));
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  try {
    const applied = await refreshLoanPayment(args.context.services, loanId, publicId);
    if (applied?.state === "recorded") return redirect(withNotice(loanPath, "loanPaidOnline"));
    if (applied?.state === "pending") return redirect(`${loanPath}/pay`);
  } catch (error) {
    // The webhook or the reconciler will apply it; the page shows where it stands.
    if (!isPaymentUnavailable(error)) throw error;
  }
  return redirect(loanPath);
}
