import { describe, expect, it } from "vitest";
import { parseForm } from "../utils/forms";
import { districtArea, enterpriseSchema, normaliseRegistrationNumber } from "./enterprises";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const valid = {
  name: "함께 크는 나무 협동조합",
  type: "cooperative",
  hostId: "1",
  representative: "김대표",
  district: "광주 광산구 수완동",
  business: "가죽 공예, 캘리그라피",
  registrationNumber: "",
  certifiedOn: "",
  employees: "6",
  vulnerableEmployees: "2",
};

describe("normaliseRegistrationNumber", () => {
  it("accepts a number whose check digit is right, with or without hyphens", () => {
    expect(normaliseRegistrationNumber("1248100998")).toBe("124-81-00998");
    expect(normaliseRegistrationNumber("124-81-00998")).toBe("124-81-00998");
  });
  it("refuses a wrong check digit or length", () => {
    expect(normaliseRegistrationNumber("124-81-00997")).toBeNull();
    expect(normaliseRegistrationNumber("124-81-0099")).toBeNull();
    expect(normaliseRegistrationNumber("abc-de-fghij")).toBeNull();
  });
});

describe("enterpriseSchema", () => {
  it("parses a valid registration", () => {
    const parsed = parseForm(enterpriseSchema, form(valid));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.data).toMatchObject({ hostId: 1, employees: 6, vulnerableEmployees: 2, registrationNumber: null, certifiedOn: null });
    }
  });
  it("reports every bad field with a message key", () => {
    const parsed = parseForm(
      enterpriseSchema,
      form({ ...valid, name: "  ", type: "bank", employees: "-3", vulnerableEmployees: "x", certifiedOn: "2017-02-30", registrationNumber: "123" }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.fieldErrors).toMatchObject({
        name: ["required"],
        type: ["invalidChoice"],
        employees: ["invalidNumber"],
        vulnerableEmployees: ["invalidNumber"],
        certifiedOn: ["invalidDate"],
        registrationNumber: ["registrationNumberFormat"],
      });
      // The comparison of the two counts is not reported on top of their own errors.
      expect(parsed.fieldErrors.vulnerableEmployees).toEqual(["invalidNumber"]);
    }
  });
  it("refuses more vulnerable employees than employees", () => {
    const parsed = parseForm(enterpriseSchema, form({ ...valid, employees: "3", vulnerableEmployees: "4" }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.fieldErrors.vulnerableEmployees).toEqual(["vulnerableExceedsEmployees"]);
  });
  it("refuses huge strings", () => {
    const parsed = parseForm(enterpriseSchema, form({ ...valid, business: "가".repeat(201), employees: "9".repeat(20) }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.fieldErrors.business).toEqual(["tooLong"]);
      expect(parsed.fieldErrors.employees).toEqual(["invalidNumber"]);
    }
  });
});

describe("districtArea", () => {
  it("keeps city and district", () => {
    expect(districtArea("광주 광산구 수완동")).toBe("광주 광산구");
    expect(districtArea("광주")).toBe("광주");
    expect(districtArea("  울산 중구   성남동 ")).toBe("울산 중구");
  });
});
