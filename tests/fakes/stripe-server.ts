import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for the Stripe API, spoken to by the real `stripe` SDK in tests. It implements
// the endpoints the product uses (customers, setup and payment intents, refunds, events) with
// Stripe's test payment methods, honours Idempotency-Key like Stripe does, and can fail on demand.

type Json = Record<string, unknown>;

/** Stripe's test payment methods and what they do. */
const METHODS: Record<string, { last4: string; onSession: "ok" | "decline" | "auth"; offSession: "ok" | "decline" }> = {
  pm_card_visa: { last4: "4242", onSession: "ok", offSession: "ok" },
  pm_card_chargeDeclined: { last4: "0002", onSession: "decline", offSession: "decline" },
  pm_card_chargeCustomerFail: { last4: "0341", onSession: "ok", offSession: "decline" },
  pm_card_authenticationRequired: { last4: "3220", onSession: "auth", offSession: "decline" },
};

export const FAKE_FEE_BP = 340;

interface Intent {
  id: string;
  object: "setup_intent" | "payment_intent";
  status: string;
  customer: string;
  client_secret: string;
  metadata: Record<string, string>;
  payment_method: string | null;
  amount?: number;
  currency?: string;
  latest_charge?: string | null;
  last_setup_error?: Json | null;
  last_payment_error?: Json | null;
}

export interface FakeStripe {
  url: string;
  /** Successful charges per pledge (R4: never more than one). */
  chargesByPledge(): Map<string, number>;
  events: Json[];
  failNext(count: number): void;
  /** What Stripe.js does in the browser: confirm an intent with a card. */
  confirmSetup(intentId: string, paymentMethod: string): void;
  confirmPayment(intentId: string, paymentMethod: string): void;
  refunds: Json[];
  requests: { method: string; path: string; idempotencyKey: string | null }[];
  close(): Promise<void>;
}

function parseForm(body: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  return params;
}

function expands(params: Record<string, string>): string[] {
  return Object.entries(params)
    .filter(([key]) => key.startsWith("expand["))
    .map(([, value]) => value);
}

function metadataOf(params: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const match = key.match(/^metadata\[(.+)\]$/);
    if (match?.[1]) metadata[match[1]] = value;
  }
  return metadata;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const intents = new Map<string, Intent>();
  const charges = new Map<string, { id: string; fee: number; amount: number; payment_intent: string }>();
  const idempotent = new Map<string, { paramsHash: string; status: number; body: Json }>();
  const events: Json[] = [];
  const refunds: Json[] = [];
  const requests: FakeStripe["requests"] = [];
  let failures = 0;
  const id = (prefix: string) => `${prefix}_${randomBytes(10).toString("hex")}`;

  const emit = (type: string, object: Intent) => {
    events.push({ id: id("evt"), object: "event", type, api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), data: { object: { ...object } }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } });
  };

  const chargeIntent = (intent: Intent, method: string, offSession: boolean): { status: number; body: Json } => {
    const behaviour = METHODS[method];
    intent.payment_method = method;
    const outcome = !behaviour ? "decline" : offSession ? behaviour.offSession : behaviour.onSession;
    if (outcome === "auth") {
      intent.status = "requires_action";
      emit("payment_intent.requires_action", intent);
      return { status: 200, body: { ...intent } };
    }
    if (outcome === "decline") {
      intent.status = "requires_payment_method";
      intent.last_payment_error = { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." };
      emit("payment_intent.payment_failed", intent);
      return {
        status: 402,
        body: { error: { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined.", payment_intent: { ...intent } } },
      };
    }
    const charge = { id: id("ch"), fee: Math.floor(((intent.amount ?? 0) * FAKE_FEE_BP) / 10_000), amount: intent.amount ?? 0, payment_intent: intent.id };
    charges.set(charge.id, charge);
    intent.latest_charge = charge.id;
    intent.status = "succeeded";
    intent.last_payment_error = null;
    emit("payment_intent.succeeded", intent);
    return { status: 200, body: { ...intent } };
  };

  const render = (intent: Intent, expand: string[]): Json => {
    const body: Json = { ...intent };
    if (expand.includes("payment_method") && intent.payment_method) {
      body.payment_method = { id: intent.payment_method, object: "payment_method", card: { last4: METHODS[intent.payment_method]?.last4 ?? "0000" } };
    }
    if (intent.latest_charge && expand.some((e) => e.startsWith("latest_charge"))) {
      const charge = charges.get(intent.latest_charge);
      body.latest_charge = charge
        ? { id: charge.id, object: "charge", amount: charge.amount, balance_transaction: expand.includes("latest_charge.balance_transaction") ? { id: id("txn"), object: "balance_transaction", fee: charge.fee } : id("txn") }
        : null;
    }
    return body;
  };

  const route = (method: string, path: string, params: Record<string, string>): { status: number; body: Json } => {
    const notFound = { status: 404, body: { error: { type: "invalid_request_error", message: `No such object: ${path}` } } };
    if (method === "POST" && path === "/v1/customers") return { status: 200, body: { id: id("cus"), object: "customer", email: params.email ?? null } };
    if (method === "POST" && path === "/v1/setup_intents") {
      const intent: Intent = { id: id("seti"), object: "setup_intent", status: "requires_payment_method", customer: params.customer ?? "", client_secret: `${id("seti")}_secret_${randomBytes(6).toString("hex")}`, metadata: metadataOf(params), payment_method: null, last_setup_error: null };
      intents.set(intent.id, intent);
      return { status: 200, body: { ...intent } };
    }
    if (method === "POST" && path === "/v1/payment_intents") {
      const intent: Intent = {
        id: id("pi"),
        object: "payment_intent",
        status: "requires_payment_method",
        customer: params.customer ?? "",
        client_secret: `${id("pi")}_secret_${randomBytes(6).toString("hex")}`,
        metadata: metadataOf(params),
        payment_method: null,
        amount: Number(params.amount),
        currency: params.currency ?? "krw",
        latest_charge: null,
        last_payment_error: null,
      };
      intents.set(intent.id, intent);
      if (params.confirm === "true" && params.payment_method) return chargeIntent(intent, params.payment_method, params.off_session === "true");
      return { status: 200, body: { ...intent } };
    }
    const cancel = path.match(/^\/v1\/(setup_intents|payment_intents)\/([a-z]+_[0-9a-f]+)\/cancel$/);
    if (method === "POST" && cancel?.[2]) {
      const intent = intents.get(cancel[2]);
      if (!intent) return notFound;
      if (intent.status === "succeeded" || intent.status === "processing" || intent.status === "canceled") {
        return { status: 400, body: { error: { type: "invalid_request_error", code: "intent_invalid_state", message: `You cannot cancel this ${intent.object} because it has a status of ${intent.status}.` } } };
      }
      intent.status = "canceled";
      emit(intent.object === "setup_intent" ? "setup_intent.canceled" : "payment_intent.canceled", intent);
      return { status: 200, body: { ...intent } };
    }
    const retrieve = path.match(/^\/v1\/(setup_intents|payment_intents)\/([a-z]+_[0-9a-f]+)$/);
    if (method === "GET" && retrieve?.[2]) {
      const intent = intents.get(retrieve[2]);
      return intent ? { status: 200, body: render(intent, expands(params)) } : notFound;
    }
    if (method === "POST" && path === "/v1/refunds") {
      const intent = intents.get(params.payment_intent ?? "");
      if (!intent || intent.status !== "succeeded") return { status: 400, body: { error: { type: "invalid_request_error", message: "This PaymentIntent has not been charged." } } };
      const refund = { id: id("re"), object: "refund", status: "succeeded", amount: Number(params.amount ?? intent.amount), payment_intent: intent.id };
      refunds.push(refund);
      return { status: 200, body: refund };
    }
    return notFound;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const params = req.method === "GET" ? parseForm(url.search.slice(1)) : parseForm(Buffer.concat(chunks).toString("utf8"));
      const key = req.headers["idempotency-key"];
      const idempotencyKey = typeof key === "string" ? key : null;
      requests.push({ method: req.method ?? "", path: url.pathname, idempotencyKey });
      const send = (status: number, body: Json) => {
        res.writeHead(status, { "Content-Type": "application/json", "Request-Id": id("req") });
        res.end(JSON.stringify(body));
      };
      if (failures > 0) {
        failures -= 1;
        send(500, { error: { type: "api_error", message: "An unknown error occurred (injected by the test)." } });
        return;
      }
      if (idempotencyKey && req.method === "POST") {
        const paramsHash = createHash("sha256").update(`${url.pathname}?${JSON.stringify(params)}`).digest("hex");
        const cached = idempotent.get(idempotencyKey);
        if (cached) {
          if (cached.paramsHash !== paramsHash) {
            send(400, { error: { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." } });
            return;
          }
          send(cached.status, cached.body);
          return;
        }
        const result = route(req.method ?? "GET", url.pathname, params);
        idempotent.set(idempotencyKey, { paramsHash, ...result });
        send(result.status, result.body);
        return;
      }
      const result = route(req.method ?? "GET", url.pathname, params);
      send(result.status, result.body);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    events,
    refunds,
    requests,
    chargesByPledge: () => {
      const counts = new Map<string, number>();
      for (const charge of charges.values()) {
        const pledge = intents.get(charge.payment_intent)?.metadata.pledge ?? "?";
        counts.set(pledge, (counts.get(pledge) ?? 0) + 1);
      }
      return counts;
    },
    failNext: (count) => {
      failures = count;
    },
    confirmSetup: (intentId, paymentMethod) => {
      const intent = intents.get(intentId);
      if (!intent) throw new Error(`no setup intent ${intentId}`);
      // As Stripe.js is told: a cancelled intent cannot be confirmed.
      if (intent.status === "canceled") throw new Error(`You cannot confirm this SetupIntent because it has a status of canceled.`);
      const behaviour = METHODS[paymentMethod];
      intent.payment_method = paymentMethod;
      if (!behaviour || behaviour.onSession === "decline") {
        intent.status = "requires_payment_method";
        intent.last_setup_error = { type: "card_error", code: "card_declined", decline_code: "generic_decline" };
        emit("setup_intent.setup_failed", intent);
      } else if (behaviour.onSession === "auth") {
        intent.status = "requires_action";
        emit("setup_intent.requires_action", intent);
      } else {
        intent.status = "succeeded";
        emit("setup_intent.succeeded", intent);
      }
    },
    confirmPayment: (intentId, paymentMethod) => {
      const intent = intents.get(intentId);
      if (!intent) throw new Error(`no payment intent ${intentId}`);
      if (intent.status === "canceled") throw new Error(`You cannot confirm this PaymentIntent because it has a status of canceled.`);
      chargeIntent(intent, paymentMethod, false);
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}
