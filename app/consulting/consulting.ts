import { z } from "zod";
import type { CampaignState } from "../../db/types";
import { checkbox, choice, requiredText, wholeNumber } from "../utils/fields";

// 1:1 consulting on a campaign draft (전문 펀드매니저): comments by topic, some asking for changes.

export const CONSULTATION_TOPICS = ["direction", "content", "rewards", "other"] as const;
export type ConsultationTopic = (typeof CONSULTATION_TOPICS)[number];

export const consultationSchema = z.object({
  topic: choice(CONSULTATION_TOPICS),
  body: requiredText(5000),
  requestsChanges: checkbox,
});

/** Which consultant on which campaign: the operator's assign and unassign forms. */
export const consultantAssignmentSchema = z.object({
  campaignId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  consultantId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
});

/** Consultants advise until the operator approves; after that the terms are fixed. */
export function isOpenForConsulting(state: CampaignState): boolean {
  return state === "draft" || state === "in_review" || state === "changes_requested";
}

/**
 * Where a change request moves the campaign: one under review goes back to the enterprise; a
 * draft or one already being revised stays as it is (the enterprise can edit it already).
 */
export function stateAfterChangeRequest(state: CampaignState): CampaignState {
  return state === "in_review" ? "changes_requested" : state;
}
