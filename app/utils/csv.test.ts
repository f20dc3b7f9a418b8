import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes what needs quoting and ends lines with CRLF", () => {
    expect(toCsv(["a", "b"], [["쉼표, 포함", 1], ['따옴표 "x"', null]])).toBe('a,b\r\n"쉼표, 포함",1\r\n"따옴표 ""x""",\r\n');
  });
});
