import { render } from "@react-email/render";
import { createElement, type ComponentType } from "react";
import EnterpriseInvitationEmail, { enterpriseInvitationSubject, type EnterpriseInvitationProps } from "./enterprise-invitation";
import EnterpriseReviewedEmail, { enterpriseReviewedSubject, type EnterpriseReviewedProps } from "./enterprise-reviewed";
import LoanDecisionEmail, { loanDecisionSubject, type LoanDecisionProps } from "./loan-decision";
import LoanDocumentRejectedEmail, { loanDocumentRejectedSubject, type LoanDocumentRejectedProps } from "./loan-document-rejected";
import LoanPaymentNoticeEmail, { loanPaymentNoticeSubject, type LoanPaymentNoticeProps } from "./loan-payment-notice";
import LoanRepaymentReceiptEmail, { loanRepaymentReceiptSubject, type LoanRepaymentReceiptProps } from "./loan-repayment-receipt";
import LoanStatusEmail, { loanStatusSubject, type LoanStatusProps } from "./loan-status";
import PasswordResetEmail, { passwordResetSubject, type PasswordResetProps } from "./password-reset";
import WelcomeEmail, { welcomeSubject, type WelcomeProps } from "./welcome";
import CampaignOutcomeEmail, { campaignOutcomeSubject, type CampaignOutcomeProps } from "./campaign-outcome";
import CampaignReviewedEmail, { campaignReviewedSubject, type CampaignReviewedProps } from "./campaign-reviewed";
import CollectionFailedEmail, { collectionFailedSubject, type CollectionFailedProps } from "./collection-failed";
import PledgeReceiptEmail, { pledgeReceiptSubject, type PledgeReceiptProps } from "./pledge-receipt";
import RefundIssuedEmail, { refundIssuedSubject, type RefundIssuedProps } from "./refund-issued";
import ConsultationChangesRequestedEmail, { consultationChangesRequestedSubject, type ConsultationChangesRequestedProps } from "./consultation-changes-requested";
import DisbursementDecidedEmail, { disbursementDecidedSubject, type DisbursementDecidedProps } from "./disbursement-decided";

interface Template<P> {
  component: ComponentType<P>;
  subject: (props: P) => string;
}

function template<P>(component: ComponentType<P>, subject: (props: P) => string): Template<P> {
  return { component, subject };
}

/** Every e-mail the product sends, by name. */
export const emailTemplates = {
  welcome: template<WelcomeProps>(WelcomeEmail, welcomeSubject),
  passwordReset: template<PasswordResetProps>(PasswordResetEmail, passwordResetSubject),
  enterpriseInvitation: template<EnterpriseInvitationProps>(EnterpriseInvitationEmail, enterpriseInvitationSubject),
  enterpriseReviewed: template<EnterpriseReviewedProps>(EnterpriseReviewedEmail, enterpriseReviewedSubject),
  pledgeReceipt: template<PledgeReceiptProps>(PledgeReceiptEmail, pledgeReceiptSubject),
  campaignOutcome: template<CampaignOutcomeProps>(CampaignOutcomeEmail, campaignOutcomeSubject),
  collectionFailed: template<CollectionFailedProps>(CollectionFailedEmail, collectionFailedSubject),
  refundIssued: template<RefundIssuedProps>(RefundIssuedEmail, refundIssuedSubject),
  campaignReviewed: template<CampaignReviewedProps>(CampaignReviewedEmail, campaignReviewedSubject),
  disbursementDecided: template<DisbursementDecidedProps>(DisbursementDecidedEmail, disbursementDecidedSubject),
  consultationChangesRequested: template<ConsultationChangesRequestedProps>(ConsultationChangesRequestedEmail, consultationChangesRequestedSubject),
  loanDecision: template<LoanDecisionProps>(LoanDecisionEmail, loanDecisionSubject),
  loanDocumentRejected: template<LoanDocumentRejectedProps>(LoanDocumentRejectedEmail, loanDocumentRejectedSubject),
  loanPaymentNotice: template<LoanPaymentNoticeProps>(LoanPaymentNoticeEmail, loanPaymentNoticeSubject),
  loanStatus: template<LoanStatusProps>(LoanStatusEmail, loanStatusSubject),
  loanRepaymentReceipt: template<LoanRepaymentReceiptProps>(LoanRepaymentReceiptEmail, loanRepaymentReceiptSubject),
};

export type EmailTemplateName = keyof typeof emailTemplates;
export type EmailProps<N extends EmailTemplateName> = (typeof emailTemplates)[N] extends Template<infer P> ? P : never;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function emailSubject<N extends EmailTemplateName>(name: N, props: EmailProps<N>): string {
  return (emailTemplates[name] as unknown as Template<EmailProps<N>>).subject(props);
}

export function isEmailTemplateName(name: string): name is EmailTemplateName {
  return Object.hasOwn(emailTemplates, name);
}

export async function renderEmail<N extends EmailTemplateName>(name: N, props: EmailProps<N>): Promise<RenderedEmail> {
  const chosen = emailTemplates[name] as unknown as Template<EmailProps<N>>;
  const element = createElement(chosen.component as ComponentType<object>, props as object);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: chosen.subject(props), html, text };
}
