import { describe, expect, it } from "vitest";
import { hasControlCharacter } from "./control-characters";
import { safeRedirect } from "./redirects";

describe("safeRedirect", () => {
  it("follows paths on this site", () => {
    expect(safeRedirect("/account")).toBe("/account");
    expect(safeRedirect("/campaigns?q=a&page=2#top", "/x")).toBe("/campaigns?q=a&page=2#top");
    expect(safeRedirect("/캠페인")).toBe("/%EC%BA%A0%ED%8E%98%EC%9D%B8");
    expect(safeRedirect("/a/../b")).toBe("/b");
    // Percent-encoded characters stay encoded: a path segment, not a host.
    expect(safeRedirect("/%09/attacker.example")).toBe("/%09/attacker.example");
    expect(safeRedirect("/%2F%2Fattacker.example")).toBe("/%2F%2Fattacker.example");
  });

  it("sends everything else to the fallback", () => {
    const attacks = [
      "//attacker.example/phish",
      "/\t/attacker.example/phish",
      "/\n/attacker.example",
      "/\r\n/x",
      "/\\attacker.example",
      "/\\/attacker.example",
      "\\\\attacker.example",
      "https://attacker.example/",
      "http:attacker.example",
      "javascript:alert(1)",
      "attacker.example",
      " /account",
      "/\u0000/x",
      "/x\u007f",
      "",
      `/${"a".repeat(2001)}`,
    ];
    for (const attack of attacks) expect(safeRedirect(attack, "/home"), JSON.stringify(attack)).toBe("/home");
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined, "/account")).toBe("/account");
    expect(safeRedirect(["/a"], "/account")).toBe("/account");
  });

  it("never returns a target that leaves the origin or breaks a header", () => {
    // Every two-character prefix from a set of tricky characters, after a slash.
    const alphabet = ["/", "\\", "\t", "\n", "\r", " ", "%", "@", ":", ".", "a", "\u0000", "\u3000", "\u2028"];
    for (const a of alphabet) {
      for (const b of alphabet) {
        const result = safeRedirect(`/${a}${b}evil.example/x`, "/home");
        expect(result.startsWith("/") && !result.startsWith("//"), JSON.stringify(result)).toBe(true);
        expect(hasControlCharacter(result, { allowLineBreaks: false }) || result.includes("\\"), JSON.stringify(result)).toBe(false);
        expect(new URL(result, "https://fund.example.kr").origin).toBe("https://fund.example.kr");
      }
    }
  });
});
