import { describe, expect, it } from "vitest";
import type { CampaignState } from "../../db/types";
import { CAMPAIGN_TRANSITIONS, canMoveCampaign, isEditable } from "./campaign-state";

describe("campaign state machine", () => {
  it("follows domain.md: draft → in_review → (changes_requested → in_review)* → approved → live → succeeded | failed", () => {
    const path: CampaignState[] = ["draft", "in_review", "changes_requested", "in_review", "approved", "live", "succeeded"];
    for (let i = 1; i < path.length; i++) expect(canMoveCampaign(path[i - 1]!, path[i]!)).toBe(true);
    expect(canMoveCampaign("live", "failed")).toBe(true);
  });
  it("allows cancelling from any state before succeeded, and nothing after an outcome", () => {
    for (const state of ["draft", "in_review", "changes_requested", "approved", "live"] as const) expect(canMoveCampaign(state, "cancelled")).toBe(true);
    for (const state of ["succeeded", "failed", "cancelled"] as const) expect(CAMPAIGN_TRANSITIONS[state]).toEqual([]);
  });
  it("never skips review or goes back to draft", () => {
    expect(canMoveCampaign("draft", "approved")).toBe(false);
    expect(canMoveCampaign("draft", "live")).toBe(false);
    expect(canMoveCampaign("changes_requested", "approved")).toBe(false);
    expect(canMoveCampaign("in_review", "draft")).toBe(false);
  });
  it("is editable only as a draft or while revising", () => {
    expect(isEditable("draft")).toBe(true);
    expect(isEditable("changes_requested")).toBe(true);
    expect(isEditable("in_review")).toBe(false);
    expect(isEditable("live")).toBe(false);
  });
});
