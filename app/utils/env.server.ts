import { z } from "zod";
import { parseWitnessList } from "../ledger/witnesses";
import { parseMethodList, PAYMENT_METHOD_TYPES } from "../payments/methods";

const onOff = z.enum(["on", "off"]);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where to listen; by default 127.0.0.1 with the embedded database (a local demo), 0.0.0.0 otherwise. */
  HOST: z.string().min(1).optional(),
  /** Owner connection (migrations, jobs). Without it the embedded PostgreSQL is started. */
  DATABASE_URL: z.url().optional(),
  /** A streaming replica of DATABASE_URL: anonymous public pages and exports read from it once it has caught up (decision 67). */
  DATABASE_REPLICA_URL: z.url().optional(),
  /** Public origin used for links in e-mails and the CSRF origin check. */
  APP_ORIGIN: z.url().optional(),
  DEMO_DATA: onOff.optional(),
  /** The demo accounts' password instead of the published one; required to serve demo data beyond this machine. */
  DEMO_PASSWORD: z.string().min(10, "at least 10 characters").max(200).optional(),
  DEV_TOOLS: onOff.optional(),
  TRUST_PROXY: onOff.default("off"),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("함께펀드 <no-reply@hamkke.local>"),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  STRIPE_API_BASE: z.url().optional(),
  STRIPE_PUBLISHABLE_KEY: z.string().optional(),
  /** The payment methods offered (comma-separated Stripe types), e.g. "card" for a Stripe account whose business location has no Korean methods. */
  PAYMENT_METHODS: z
    .string()
    .default(PAYMENT_METHOD_TYPES.join(","))
    .transform((text, ctx) => {
      const parsed = parseMethodList(text);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: `unknown payment method "${parsed.unknown}"; choose from ${PAYMENT_METHOD_TYPES.join(", ")}` });
        return z.NEVER;
      }
      if (parsed.methods.length === 0) {
        ctx.addIssue({ code: "custom", message: "name at least one payment method" });
        return z.NEVER;
      }
      return parsed.methods;
    }),
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
  /** Run the ledger sequencer in this process (any number may; one works at a time). */
  LEDGER_SEQUENCER: onOff.default("on"),
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

export interface StartupChoices {
  host: string;
  /** Listening on this machine only (loopback). */
  localOnly: boolean;
  demoData: boolean;
  devTools: boolean;
  /** Why the server must not start as configured, or null. */
  refusal: string | null;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/;

/**
 * What the server does when the environment says nothing: the embedded demo listens on this
 * machine only and has its dev tools on; otherwise it listens everywhere with dev tools off. Demo
 * data is never served beyond this machine with the published password.
 */
export function startupChoices(env: Env, embedded: boolean): StartupChoices {
  const host = env.HOST ?? (embedded ? "127.0.0.1" : "0.0.0.0");
  const localOnly = LOOPBACK_HOSTS.test(host);
  const demoData = (env.DEMO_DATA ?? (embedded ? "on" : "off")) === "on";
  const devTools = (env.DEV_TOOLS ?? (embedded && localOnly ? "on" : "off")) === "on";
  const refusal =
    demoData && !localOnly && !env.DEMO_PASSWORD
      ? `The demo accounts (the platform admin among them) use the password published in the README, and HOST=${host} makes them reachable from other machines. ` +
        'Set DEMO_PASSWORD to a password of your own (at least 10 characters), or DEMO_DATA=off. See README, "Showing a demo to others".'
      : null;
  return { host, localOnly, demoData, devTools, refusal };
}
