import { describe, expect, it } from "vitest";
import { parseForm } from "../utils/forms";
import { checkDecision, requestDecisionSchema } from "./four-eyes";

const MAKER = 7;
const SECOND = 8;

describe("four eyes on money leaving the fund", () => {
  it("lets a second administrator approve or decline an open request", () => {
    expect(checkDecision({ state: "requested", requestedBy: MAKER }, SECOND, "approve")).toEqual({ kind: "decide" });
    expect(checkDecision({ state: "requested", requestedBy: MAKER }, SECOND, "decline")).toEqual({ kind: "decide" });
  });

  it("never lets the maker decide their own request, either way", () => {
    expect(checkDecision({ state: "requested", requestedBy: MAKER }, MAKER, "approve")).toEqual({ kind: "refused", error: "makerCannotDecide", status: 403 });
    expect(checkDecision({ state: "requested", requestedBy: MAKER }, MAKER, "decline")).toEqual({ kind: "refused", error: "makerCannotDecide", status: 403 });
  });

  it("treats the same decision again as done, and the opposite one as too late", () => {
    expect(checkDecision({ state: "approved", requestedBy: MAKER }, SECOND, "approve")).toEqual({ kind: "alreadyDone" });
    expect(checkDecision({ state: "declined", requestedBy: MAKER }, SECOND, "decline")).toEqual({ kind: "alreadyDone" });
    expect(checkDecision({ state: "approved", requestedBy: MAKER }, SECOND, "decline")).toEqual({ kind: "refused", error: "requestAlreadyDecided", status: 409 });
    expect(checkDecision({ state: "declined", requestedBy: MAKER }, SECOND, "approve")).toEqual({ kind: "refused", error: "requestAlreadyDecided", status: 409 });
  });

  it("asks for a reason to decline, not to approve", () => {
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(fields)) data.set(k, v);
      return parseForm(requestDecisionSchema, data);
    };
    expect(form({ requestId: "3", decision: "approve" })).toMatchObject({ ok: true, data: { requestId: 3, decision: "approve", note: "" } });
    expect(form({ requestId: "3", decision: "decline", note: "  " })).toMatchObject({ ok: false, fieldErrors: { note: ["required"] } });
    expect(form({ requestId: "0", decision: "maybe" })).toMatchObject({ ok: false, fieldErrors: { requestId: ["invalidNumber"], decision: ["invalidChoice"] } });
  });
});
