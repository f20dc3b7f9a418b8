import { z } from "zod";
import type { StaffRole } from "../../db/types";
import { choice, emailField, wholeNumber } from "../utils/fields";

export const STAFF_ROLES = ["operator", "juror", "consultant", "fund_admin", "auditor"] as const satisfies readonly StaffRole[];

export const grantSchema = z.object({
  intent: z.literal("grant"),
  email: emailField,
  hostId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  role: choice(STAFF_ROLES),
});

export const revokeSchema = z.object({
  intent: z.literal("revoke"),
  userId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  hostId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  role: choice(STAFF_ROLES),
});
