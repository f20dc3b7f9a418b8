import { describe, expect, it } from "vitest";
import { maskName, publicBackerName } from "./backer-names";

describe("maskName", () => {
  it.each([
    ["김주민", "김*민"],
    ["김민", "김*"],
    ["남궁민수", "남**수"],
    ["제갈공명준", "제***준"],
    ["김", "*"],
    ["김 주민", "김 주*"],
    ["Jamie Kim", "J***e K*m"],
    ["Al", "A*"],
    ["J. R. Kim", "J* R* K*m"],
    ["  Jamie   Kim ", "J***e K*m"],
    ["Zoë", "Z*ë"],
    // Letters of several code points each stay one letter: a decomposed ë, conjoining jamo (각나), an emoji.
    ["Zoe\u0308", "Z*e\u0308"],
    ["\u1100\u1161\u11a8\u1102\u1161", "\u1100\u1161\u11a8*"],
    ["김👍🏽민", "김*민"],
    ["", "*"],
  ])("%s → %s", (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it("never shows more than the first and last letter of a word of three or more", () => {
    for (const name of ["박서준", "Christopher", "이하늘별"]) {
      const masked = maskName(name);
      expect([...masked].length).toBe([...name].length);
      expect(masked.slice(1, -1)).toMatch(/^\*+$/);
    }
  });
});

describe("publicBackerName", () => {
  const person = { backerKind: "individual" as const, companyName: null, displayName: "김주민" };
  it("masks a person by default and shows the full name only when chosen", () => {
    expect(publicBackerName({ ...person, nameDisplay: "masked" })).toBe("김*민");
    expect(publicBackerName({ ...person, nameDisplay: "full" })).toBe("김주민");
  });
  it("keeps an anonymous backer nameless, a person or a company", () => {
    expect(publicBackerName({ ...person, nameDisplay: "anonymous" })).toBeNull();
    expect(publicBackerName({ backerKind: "company", companyName: "(주)햇살", displayName: "김주민", nameDisplay: "anonymous" })).toBeNull();
  });
  it("shows a company by its name, never its person's name", () => {
    expect(publicBackerName({ backerKind: "company", companyName: "(주)햇살", displayName: "김주민", nameDisplay: "masked" })).toBe("(주)햇살");
    expect(publicBackerName({ backerKind: "company", companyName: "(주)햇살", displayName: "김주민", nameDisplay: "full" })).toBe("(주)햇살");
  });
});
