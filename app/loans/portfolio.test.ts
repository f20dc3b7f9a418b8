import { describe, expect, it } from "vitest";
import { csvCell } from "../utils/csv";
import { portfolioCsv, type Portfolio } from "./portfolio";

describe("portfolio CSV", () => {
  it("quotes what needs quoting and never lets a spreadsheet run a formula", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(1234)).toBe("1234");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell("커피마루 운암점")).toBe("커피마루 운암점");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("=HYPERLINK(\"x\")")).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("-1+1")).toBe("'-1+1");
  });

  it("writes one row per loan after the header, with a byte-order mark", () => {
    const portfolio: Portfolio = {
      asOf: "2026-11-24",
      outstandingWon: 1,
      disbursedWon: 1,
      interestIncomeWon: 0,
      penaltyIncomeWon: 0,
      writtenOffWon: 30_000_000,
      recoveredWon: 5_000_000,
      arrearsWon: 0,
      byState: [],
      buckets: [],
      loans: [
        { id: 7, enterpriseId: 1, enterpriseName: "찬찬찬", district: "광주", state: "delinquent", method: "bullet", rateBp: 100, principalWon: 40_000_000, outstandingWon: 40_000_000, disbursedOn: "2026-06-03", maturityOn: "2028-06-03", arrearsWon: 67_149, penaltyWon: 0, daysOverdue: 57, bucket: "31_90", nextDueDate: "2026-12-03", nextDueWon: 67_149, writtenOffWon: 0, recoveredWon: 0 },
        { id: 8, enterpriseId: 2, enterpriseName: "우리동구카페", district: "광주 동구", state: "written_off", method: "bullet", rateBp: 100, principalWon: 30_000_000, outstandingWon: 0, disbursedOn: "2026-03-29", maturityOn: "2028-03-29", arrearsWon: 0, penaltyWon: 0, daysOverdue: 0, bucket: null, nextDueDate: null, nextDueWon: null, writtenOffWon: 30_000_000, recoveredWon: 5_000_000 },
      ],
    };
    const csv = portfolioCsv(portfolio);
    expect(csv.startsWith("\uFEFFloan_id,enterprise,")).toBe(true);
    const [header, delinquent, writtenOff] = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(header?.endsWith(",next_due_date,next_due_won,written_off_won,recovered_won")).toBe(true);
    expect(delinquent).toBe("7,찬찬찬,광주,delinquent,bullet,100,40000000,40000000,2026-06-03,2028-06-03,57,31_90,67149,0,2026-12-03,67149,0,0");
    // A written-off loan shows what was written off and what came back since.
    expect(writtenOff).toBe("8,우리동구카페,광주 동구,written_off,bullet,100,30000000,0,2026-03-29,2028-03-29,0,,0,0,,,30000000,5000000");
  });
});
