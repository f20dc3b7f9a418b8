import { z } from "zod";

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
  /** Where files were kept on disk before the file store: imported into it at start. */
  UPLOAD_DIR: z.string().optional(),
  /** Files in S3-compatible object storage (credentials from the AWS SDK's usual sources); PostgreSQL without it. */
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_PREFIX: z.string().default(""),
  JOBS: onOff.default("on"),
  /** Opens GET /metrics on the main port to `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  /** Serves /metrics alone on this port (no token: keep it on a private network). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Requests handled at once per process; more wait in a bounded queue, then get 503. */
  MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(10_000).default(64),
  MAX_QUEUED_REQUESTS: z.coerce.number().int().min(0).max(100_000).default(1000),
  QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  /** On SIGTERM: how long in-flight requests and jobs get to finish. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(25_000),
  /** Shared renderings of public pages for anonymous visitors (decision 45). */
  PAGE_CACHE: onOff.default("on"),
  /** Web processes sharing the port; default: one per core. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** Ed25519 private key that signs ledger checkpoints (PKCS#8 PEM or base64 DER). Required when DEV_TOOLS is off. */
  LEDGER_SIGNING_KEY: z.string().min(1).optional(),
  /** The ledger's name in signed checkpoints; defaults to "<host of APP_ORIGIN>/ledger". */
  LEDGER_ORIGIN: z
    .string()
    .regex(/^[^\s+]{1,200}$/, "1–200 characters without spaces or +")
    .optional(),
  /** Minutes between checkpoints while the ledger grows. */
  LEDGER_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
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
