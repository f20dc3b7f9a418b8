import type { ConsentPurpose } from "../../db/types";

// Each consent is recorded with the version of the text the person was shown. The texts live in
// app/i18n/messages/privacy.ts; consents.test.ts pins each version's digest, so a text cannot
// change without a new version.

export const CONSENT_VERSIONS: Record<ConsentPurpose, string> = {
  account: "2026-11-27",
  campaign_emails: "2026-11-27",
};

/** The privacy policy's effective date (shown on /privacy). */
export const POLICY_EFFECTIVE_DATE = "2026-11-27";
