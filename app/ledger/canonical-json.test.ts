import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seeded } from "../../tests/support/fast-check";
import { canonicalJson, type JsonValue } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts keys and drops white space", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: { z: "한글", y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":"한글"}}');
  });
  it("refuses non-integers", () => {
    expect(() => canonicalJson({ amount: 1.5 })).toThrow(RangeError);
    expect(() => canonicalJson({ amount: 2 ** 60 })).toThrow(RangeError);
  });
  it("is a fixed point: parse then serialise gives the same text", () => {
    const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text) as JsonValue)).toBe(text);
      }),
      seeded("canonical JSON fixed point", 100),
    );
  });
});
