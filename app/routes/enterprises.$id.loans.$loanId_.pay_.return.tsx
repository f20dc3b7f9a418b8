import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { withNotice } from "../components/notice";
import { paymentParam, requireBorrowerMember } from "../loans/access.server";
import { refreshLoanPayment } from "../loans/online-payments.server";
import { isPaymentUnavailable } from "../payments/provider";

// Where Stripe sends the member back after confirming the card: read the intent and apply it now,
// rather than wait for the webhook (which, arriving later, changes nothing).
export async function loader(args: LoaderFunctionArgs) {
  const { enterpriseId, loanId } = await requireBorrowerMember(args);
  const publicId = paymentParam(new URL(args.request.url).searchParams.get("payment"));
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  try {
    const applied = await refreshLoanPayment(args.context.services, loanId, publicId);
    if (applied?.state === "recorded") return redirect(withNotice(loanPath, "loanPaidOnline"));
  } catch (error) {
    // The webhook or the reconciler will apply it; the page shows where it stands.
    if (!isPaymentUnavailable(error)) throw error;
  }
  return redirect(loanPath);
}
