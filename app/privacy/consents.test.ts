import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dictionaries } from "../i18n/messages";
import { CONSENT_VERSIONS } from "./consents";

// A consent is worth what its recorded text version proves. Changing a consent text means a new
// version in CONSENT_VERSIONS and a new digest here (people who agreed to the old text keep it).
const PINNED = {
  account: { version: "2026-11-27", digest: "94a25f19503ae7aa4d87e65d4ac51ee56891307b2c343f82ff73d5ca2cae7954" },
  campaign_emails: { version: "2026-11-27", digest: "350f5d2a288c49a45ee2b029c1c8c650512db7a03a9725dd926b4c05b9b29d38" },
} as const;

function digest(purpose: "account" | "campaign_emails"): string {
  const key = purpose === "account" ? "account" : "campaignEmails";
  const text = { ko: dictionaries.ko.privacy.consents[key], en: dictionaries.en.privacy.consents[key] };
  return createHash("sha256").update(JSON.stringify(text)).digest("hex");
}

describe("consent text versions", () => {
  for (const purpose of ["account", "campaign_emails"] as const) {
    it(`the ${purpose} text is the one its version names`, () => {
      expect(CONSENT_VERSIONS[purpose]).toBe(PINNED[purpose].version);
      expect(digest(purpose)).toBe(PINNED[purpose].digest);
    });
  }
});
