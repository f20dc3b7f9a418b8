import { describe, expect, it } from "vitest";
import type { CampaignState } from "../../db/types";
import { consultationSchema, isOpenForConsulting, stateAfterChangeRequest } from "./consulting";

describe("consulting", () => {
  it("is open from the draft until approval", () => {
    const open: CampaignState[] = ["draft", "in_review", "changes_requested"];
    const closed: CampaignState[] = ["approved", "live", "succeeded", "failed", "cancelled"];
    expect(open.filter(isOpenForConsulting)).toEqual(open);
    expect(closed.filter(isOpenForConsulting)).toEqual([]);
  });

  it("sends a campaign under review back to the enterprise when changes are requested", () => {
    expect(stateAfterChangeRequest("in_review")).toBe("changes_requested");
    expect(stateAfterChangeRequest("draft")).toBe("draft");
    expect(stateAfterChangeRequest("changes_requested")).toBe("changes_requested");
  });

  it("reads the comment form: topic from the list, a body, the change request box", () => {
    expect(consultationSchema.safeParse({ topic: "rewards", body: "  리워드 단가를 낮추세요  ", requestsChanges: "on" })).toEqual({
      success: true,
      data: { topic: "rewards", body: "리워드 단가를 낮추세요", requestsChanges: true },
    });
    const bad = consultationSchema.safeParse({ topic: "price", body: " " });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["topic", "invalidChoice"],
      ["body", "required"],
    ]);
  });
});
