import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { paymentParam, requireBorrowerMember } from "../loans/access.server";
import { completeLoanDemoAuthentication, findLoanPayment } from "../loans/online-payments.server";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

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
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <div className="card card-form" style={{ margin: "0 auto", textAlign: "center" }}>
        <h1>{m.pledges.authTitle}</h1>
        <p className="big-figure">{formatWon(amountWon, locale)}</p>
        <p className="muted">{m.pledges.authBody}</p>
        <FormAlert failure={failure} />
        {failure ? (
          <a href={`${loanPath}/pay`} className="button button-secondary">
            {m.loans.payOnlineTitle}
          </a>
        ) : (
          <AppForm className="button-row" style={{ justifyContent: "center" }}>
            <SubmitButton name="decision" value="approve">
              {m.pledges.approve}
            </SubmitButton>
            <SubmitButton name="decision" value="deny" variant="danger">
              {m.pledges.deny}
            </SubmitButton>
          </AppForm>
        )}
      </div>
    </div>
  );
}
