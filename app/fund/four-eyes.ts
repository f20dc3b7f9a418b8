import { z } from "zod";
import type { FundRequestState } from "../../db/types";
import type { ErrorKey } from "../i18n/messages/errors";
import { choice, optionalText, wholeNumber, whenFieldsValid } from "../utils/fields";

// Public money leaving the fund (a grant, a write-off) is a request by one fund administrator and
// a decision by another. The database enforces the same rule; this gives the person a clear
// reason first, and says when a repeated decision is simply the one already taken.

export const requestDecisionSchema = z
  .object({
    requestId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    decision: choice(["approve", "decline"] as const),
    note: optionalText(2000),
  })
  .refine((v) => v.decision === "approve" || v.note.length > 0, { path: ["note"], message: "required", ...whenFieldsValid("decision", "note") });
export type RequestDecision = z.output<typeof requestDecisionSchema>["decision"];

export interface PendingRequest {
  state: FundRequestState;
  requestedBy: number;
}

export type DecisionCheck =
  | { kind: "decide" }
  /** The same decision again (a double submit, or two administrators at once): nothing to do. */
  | { kind: "alreadyDone" }
  | { kind: "refused"; error: ErrorKey; status: 403 | 409 };

/** Whether `deciderId` may take `decision` on the request now. */
export function checkDecision(request: PendingRequest, deciderId: number, decision: RequestDecision): DecisionCheck {
  if (request.state === "approved" && decision === "approve") return { kind: "alreadyDone" };
  if (request.state === "declined" && decision === "decline") return { kind: "alreadyDone" };
  if (request.state !== "requested") return { kind: "refused", error: "requestAlreadyDecided", status: 409 };
  if (request.requestedBy === deciderId) return { kind: "refused", error: "makerCannotDecide", status: 403 };
  return { kind: "decide" };
}
