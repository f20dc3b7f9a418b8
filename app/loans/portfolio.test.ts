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
      writtenOffWon: 0,
      arrearsWon: 0,
      byState: [],
      buckets: [],
      loans: [
        { id: 7, enterpriseId: 1, enterpriseName: "찬찬찬", district: "광주", state: "delinquent", method: "bullet", rateBp: 100, principalWon: 40_000_000, outstandingWon: 40_000_000, disbursedOn: "2026-06-03", maturityOn: "2028-06-03", arrearsWon: 67_149, penaltyWon: 0, daysOverdue: 57, bucket: "31_90", nextDueDate: "2026-12-03", nextDueWon: 67_149 },
      ],
    };
    const csv = portfolioCsv(portfolio);
    expect(csv.startsWith("\uFEFFloan_id,enterprise,")).toBe(true);
    expect(csv.trim().split("\r\n")[1]).toBe("7,찬찬찬,광주,delinquent,bullet,100,40000000,40000000,2026-06-03,2028-06-03,57,31_90,67149,0,2026-12-03,67149");
  });
});
