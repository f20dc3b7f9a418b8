import { describe, expect, it } from "vitest";
import { parseCsv } from "../utils/csv";
import { personalDataCsv, retentionEnd, type PersonalData } from "./personal-data";

const data: PersonalData = {
  exportedAt: "2026-11-27T01:00:00.000Z",
  profile: { id: 7, email: "kim@example.com", displayName: "김주민", locale: "ko", createdAt: "2026-11-01T00:00:00.000Z", ageConfirmedAt: "2026-11-01T00:00:00.000Z" },
  memberships: [{ enterprise: "햇살 협동조합", role: "member", joinedAt: "2026-11-02T00:00:00.000Z" }],
  staffRoles: [],
  pledges: [
    {
      pledge: "p1", campaign: "아이 돌봄", amountWon: 30000, kind: "sponsorship", state: "collected", reward: null, backerKind: "individual",
      companyName: null, businessNumber: null, nameDisplay: "masked", message: '=cmd "hi", there', receiptCode: "ABCDE-FGHJK-MNPQR-STVWX-YZ012",
      cardLast4: "4242", createdAt: "2026-11-03T00:00:00.000Z", collectedAt: "2026-11-03T00:00:01.000Z",
    },
  ],
  consents: [{ purpose: "account", granted: true, textVersion: "2026-11-27", locale: "ko", recordedAt: "2026-11-01T00:00:00.000Z" }],
};

describe("personalDataCsv", () => {
  it("has every value of the JSON, one per row, with spreadsheet formulas defused", () => {
    const rows = parseCsv(personalDataCsv(data));
    expect(rows[0]).toEqual(["section", "row", "field", "value"]);
    const value = (section: string, row: string, field: string) => rows.find((r) => r[0] === section && r[1] === row && r[2] === field)?.[3];
    expect(value("profile", "1", "email")).toBe("kim@example.com");
    expect(value("pledges", "1", "receiptCode")).toBe("ABCDE-FGHJK-MNPQR-STVWX-YZ012");
    expect(value("pledges", "1", "amountWon")).toBe("30000");
    expect(value("pledges", "1", "message")).toBe(`'=cmd "hi", there`);
    expect(value("consents", "1", "granted")).toBe("true");
    expect(value("memberships", "1", "enterprise")).toBe("햇살 협동조합");
    const fields = 1 + Object.keys(data.profile).length + 3 + Object.keys(data.pledges[0]!).length + Object.keys(data.consents[0]!).length;
    expect(rows.length - 1).toBe(fields);
  });
});

describe("retentionEnd", () => {
  it("is five years on, and 29 February falls back to the 28th", () => {
    expect(retentionEnd("2026-11-27")).toBe("2031-11-27");
    expect(retentionEnd("2028-02-29")).toBe("2033-02-28");
    expect(retentionEnd("2028-02-29", 4)).toBe("2032-02-29");
  });
});
