import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seeded } from "../../tests/support/fast-check";
import { backerCommitment, backerRefs, formatReceiptCode, newReceiptCode, normaliseReceiptCode } from "./receipts";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

describe("receipt codes", () => {
  it("are 25 Crockford digits in five groups, and differ every time", () => {
    const codes = new Set(Array.from({ length: 200 }, () => newReceiptCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
      expect(normaliseReceiptCode(code)).toBe(code.replace(/-/g, ""));
    }
  });

  it("forgive case, spaces, hyphens and look-alike letters", () => {
    const code = "7K3QM-9XD2A-5PRST-VWXYZ-0123Y";
    expect(normaliseReceiptCode(code)).toBe("7K3QM9XD2A5PRSTVWXYZ0123Y");
    expect(normaliseReceiptCode(" 7k3qm 9xd2a 5prst vwxyz o123y ")).toBe("7K3QM9XD2A5PRSTVWXYZ0123Y");
    expect(normaliseReceiptCode("7K3QM—9XD2A—5PRST—VWXYZ—0I23Y")).toBe("7K3QM9XD2A5PRSTVWXYZ0123Y");
    expect(formatReceiptCode("7k3qm9xd2a5prstvwxyz0123y")).toBe(code);
  });

  it("refuse wrong lengths, foreign characters and a bad check digit", () => {
    expect(normaliseReceiptCode("")).toBeNull();
    expect(normaliseReceiptCode("7K3QM-9XD2A-5PRST-VWXYZ-0123")).toBeNull();
    expect(normaliseReceiptCode("7K3QM-9XD2A-5PRST-VWXYZ-0123YY")).toBeNull();
    expect(normaliseReceiptCode("7K3QM-9XD2A-5PRST-VWXUZ-0123Y")).toBeNull();
    expect(normaliseReceiptCode("7K3QM-9XD2A-5PRST-VWXYZ-0123Z")).toBeNull();
    expect(() => backerCommitment("not a code")).toThrow(RangeError);
  });

  it("catch most single-digit typos with the check digit", () => {
    let caught = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.nat(23), fc.constantFrom(...ALPHABET), (position, replacement) => {
        const code = newReceiptCode().replace(/-/g, "");
        fc.pre(code[position] !== replacement);
        total += 1;
        if (normaliseReceiptCode(code.slice(0, position) + replacement + code.slice(position + 1)) === null) caught += 1;
      }),
      seeded("receipt typos", 400),
    );
    // One check digit of 32 values lets 1 typo in 32 through; 80 % leaves room for chance.
    expect(caught / total).toBeGreaterThan(0.8);
  });
});

describe("backer commitments", () => {
  it("follow the published formula", () => {
    // Computed outside the project: hashlib.sha256(b"hamkke-backer-v1:7K3QM9XD2A5PRSTVWXYZ0123Y").hexdigest()
    expect(backerCommitment("7k3qm-9xd2a-5prst-vwxyz-0123y")).toBe("dd5d42e3631bafc549b3e3689bf1eef1ece9c61f1264d2782a73d19b599418ef");
    expect(backerRefs("7K3QM9XD2A5PRSTVWXYZ0123Y")).toEqual({ backer: "dd5d42e3631bafc549b3e3689bf1eef1ece9c61f1264d2782a73d19b599418ef" });
  });

  it("are the same for any way of typing one code and differ between codes", () => {
    const a = newReceiptCode();
    const b = newReceiptCode();
    expect(backerCommitment(a.toLowerCase())).toBe(backerCommitment(a.replace(/-/g, " ")));
    expect(backerCommitment(a)).not.toBe(backerCommitment(b));
  });
});
