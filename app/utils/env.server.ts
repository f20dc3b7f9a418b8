import { z } from "zod";
import { parseWitnessList } from "../ledger/witnesses";

const onOff = z.enum(["on", "off"]);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Owner connection (migrations, jobs). Without it the embedded PostgreSQL is started. */
  DATABASE_URL: z.url().optional(),
  /** Public origin used for links in e-mails and the CSRF origin check. */
  APP_ORIGIN: z.url().optional(),
  DEMO_DATA: onOff.optional(),
  DEV_TOOLS: onOff.optional(),
  TRUST_PROXY: onOff.default("off"),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("함께펀드 <no-reply@hamkke.local>"),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  STRIPE_API_BASE: z.url().optional(),
  STRIPE_PUBLISHABLE_KEY: z.string().optional(),
  /** The demo provider's processor fee, in basis points (3.2 % by default, like a Korean card PG). */
  DEMO_FEE_BP: z.coerce.number().int().min(0).max(2000).default(320),
  UPLOAD_DIR: z.string().optional(),
  JOBS: onOff.default("on"),
  /** Ed25519 private key that signs ledger checkpoints (PKCS#8 PEM or base64 DER). Required when DEV_TOOLS is off. */
  LEDGER_SIGNING_KEY: z.string().min(1).optional(),
  /** The ledger's name in signed checkpoints; defaults to "<host of APP_ORIGIN>/ledger". */
  LEDGER_ORIGIN: z
    .string()
    .regex(/^[^\s+]{1,200}$/, "1–200 characters without spaces or +")
    .optional(),
  /** Minutes between checkpoints while the ledger grows. */
  LEDGER_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  /** Witnesses asked to cosign checkpoints: comma-separated "<cosigner vkey> <submission prefix URL>". */
  LEDGER_WITNESSES: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      try {
        parseWitnessList(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      }
    }),
});

export type Env = z.infer<typeof envSchema>;

/** Parses process.env once at boot; a bad value stops the server with a readable message. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}
