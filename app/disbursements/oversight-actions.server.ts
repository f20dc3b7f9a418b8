import { redirect } from "@remix-run/node";
import { z } from "zod";
import { withNotice } from "../components/notice";
import { fileField } from "../files/files.server";
import type { Services } from "../server/services";
import { wholeNumber } from "../utils/fields";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound } from "../utils/http.server";
import { disbursementDecisionSchema } from "./disbursement";
import { approveDisbursement, publishRedactedReceipt, rejectDisbursement } from "./disbursements.server";

// An operator's two actions on spending, the same for a campaign's budget and a grant award's
// categories: decide a request, publish a redacted receipt. Objects outside the page's scope are 404.

/** The page's money: a campaign's disbursements or a grant award's. */
export type SpendingScope = { column: "campaign_id" | "grant_award_id"; id: number };

const publishSchema = z.object({ receiptId: wholeNumber(1, Number.MAX_SAFE_INTEGER) });

export async function decideDisbursementAction(services: Services, formData: FormData, scope: SpendingScope, operatorId: number, here: string) {
  const parsed = parseForm(disbursementDecisionSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const owned = await services.db.selectFrom("disbursements").select("id").where("id", "=", parsed.data.disbursementId).where(scope.column, "=", scope.id).executeTakeFirst();
  if (!owned) throw notFound();
  if (parsed.data.decision === "reject") {
    await rejectDisbursement(services, { disbursementId: owned.id, operatorId, reason: parsed.data.reason });
    return redirect(withNotice(here, "disbursementRejected"));
  }
  const { paid } = await approveDisbursement(services, { disbursementId: owned.id, approverId: operatorId });
  return redirect(withNotice(here, paid ? "disbursementPaid" : "disbursementApproved"));
}

export async function publishReceiptAction(services: Services, formData: FormData, scope: SpendingScope, operatorId: number, hostId: number, here: string) {
  const parsed = parseForm(publishSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const file = fileField(formData, "redacted");
  if (!file) return invalid(formFailure(formData, "fileRequired", "redacted"));
  const receipt = await services.db
    .selectFrom("disbursement_receipts")
    .innerJoin("disbursements", "disbursements.id", "disbursement_receipts.disbursement_id")
    .select("disbursement_receipts.id")
    .where("disbursement_receipts.id", "=", parsed.data.receiptId)
    .where(`disbursements.${scope.column}`, "=", scope.id)
    .executeTakeFirst();
  if (!receipt) throw notFound();
  await publishRedactedReceipt(services, { receiptId: receipt.id, operatorId, hostId, file });
  return redirect(withNotice(here, "saved"));
}
