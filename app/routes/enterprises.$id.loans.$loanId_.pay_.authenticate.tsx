import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DemoAuthenticationPage } from "../components/card-form";
import { withNotice } from "../components/notice";
import { useMessages } from "../i18n/use-messages";
import { paymentParam, requireBorrowerMember } from "../loans/access.server";
import { completeLoanDemoAuthentication, findLoanPayment } from "../loans/online-payments.server";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.pledges.authTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { enterpriseId, loanId } = await requireBorrowerMember(args);
  const publicId = paymentParam(new URL(args.request.url).searchParams.get("payment"));
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  const payment = await findLoanPayment(args.context.services, loanId, publicId);
  if (!payment || payment.state !== "pending") throw redirect(loanPath);
  return json({ amountWon: payment.amount_won, publicId, loanPath });
}

export async function action(args: ActionFunctionArgs) {
  const { enterpriseId, loanId } = await requireBorrowerMember(args);
  const formData = await args.request.formData();
  const publicId = paymentParam(new URL(args.request.url).searchParams.get("payment"));
  const loanPath = `/enterprises/${enterpriseId}/loans/${loanId}`;
  try {
    const result = await completeLoanDemoAuthentication(args.context.services, loanId, publicId, formData.get("decision") === "approve");
    return redirect(result.state === "recorded" ? withNotice(loanPath, "loanPaidOnline") : loanPath);
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function AuthenticateLoanPayment() {
  const { amountWon, loanPath } = useLoaderData<typeof loader>();
  const m = useMessages();
  return <DemoAuthenticationPage amountWon={amountWon} retryHref={`${loanPath}/pay`} retryLabel={m.loans.payOnlineTitle} />;
}
