import type { CampaignState } from "../../db/types";

/**
 * The campaign state machine (domain.md "Campaign"). The database holds the same table
 * (campaign_state_transitions) and refuses any other move; this copy lets the UI offer only
 * the moves that exist.
 */
export const CAMPAIGN_TRANSITIONS: Readonly<Record<CampaignState, readonly CampaignState[]>> = {
  draft: ["in_review", "cancelled"],
  in_review: ["changes_requested", "approved", "cancelled"],
  changes_requested: ["in_review", "cancelled"],
  approved: ["live", "cancelled"],
  live: ["succeeded", "failed", "cancelled"],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function canMoveCampaign(from: CampaignState, to: CampaignState): boolean {
  return CAMPAIGN_TRANSITIONS[from].includes(to);
}

/** Enterprise members edit the story, budget and rewards only in these states. */
export function isEditable(state: CampaignState): boolean {
  return state === "draft" || state === "changes_requested";
}

/** Shown to the public (and counted in directories and results). */
export const PUBLIC_STATES: readonly CampaignState[] = ["approved", "live", "succeeded", "failed"];

export function isPublic(state: CampaignState): boolean {
  return PUBLIC_STATES.includes(state);
}
