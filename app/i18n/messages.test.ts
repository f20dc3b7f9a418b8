import { describe, expect, it } from "vitest";
import { dictionaries } from "./messages";

type Tree = Record<string, unknown>;

function shape(value: unknown, path: string, out: Map<string, string>): void {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Tree)) shape(child, path ? `${path}.${key}` : key, out);
  } else {
    out.set(path, Array.isArray(value) ? `array:${value.length}` : typeof value);
  }
}

describe("dictionaries", () => {
  it("have the same keys and kinds of value in Korean and English", () => {
    const ko = new Map<string, string>();
    const en = new Map<string, string>();
    shape(dictionaries.ko, "", ko);
    shape(dictionaries.en, "", en);
    expect([...en.entries()].sort()).toEqual([...ko.entries()].sort());
  });
  it("have no empty message", () => {
    for (const locale of ["ko", "en"] as const) {
      const all = new Map<string, string>();
      const texts: string[] = [];
      const collect = (value: unknown) => {
        if (typeof value === "string") texts.push(value);
        else if (typeof value === "object" && value !== null) Object.values(value).forEach(collect);
      };
      collect(dictionaries[locale]);
      shape(dictionaries[locale], "", all);
      expect(texts.every((t) => t.trim().length > 0)).toBe(true);
    }
  });
  it("are in Korean for Korean", () => {
    expect(dictionaries.ko.common.nav.login).toBe("로그인");
    expect(dictionaries.en.common.nav.login).toBe("Log in");
    expect(dictionaries.ko.errors.tooManyAttempts).toMatch(/[가-힣]/);
  });
});
