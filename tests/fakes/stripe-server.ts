import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for the Stripe API (version 2026-10-28, the one the `stripe` SDK pins), spoken
// to by the real SDK in tests. It implements the endpoints the product uses (customers, setup and
// payment intents with confirm and cancel, refunds) with Stripe's test cards and the South Korean
// payment methods, honours Idempotency-Key like Stripe does, and can fail on demand.
//
// The Korean methods work as Stripe documents them: an intent lists them in
// `allowed_payment_method_types` (KRW only, at least 100 won, Samsung Pay at most 2,000,000 won;
// PAYCO and Samsung Pay cannot be set up for later use); confirming with
// `payment_method_data[type]` and a `return_url` leaves it in `requires_action` with
// `next_action.redirect_to_url`; that page (served here at /redirect/<intent>) authorizes, fails
// or cancels it and sends the payer back to the return URL with `redirect_status`. Each change
// emits the event Stripe would send.

type Json = Record<string, unknown>;

/** Stripe's test payment methods (cards) and what they do. */
const TEST_CARDS: Record<string, { last4: string; onSession: "ok" | "decline" | "auth"; offSession: "ok" | "decline" }> = {
  pm_card_visa: { last4: "4242", onSession: "ok", offSession: "ok" },
  pm_card_chargeDeclined: { last4: "0002", onSession: "decline", offSession: "decline" },
  pm_card_chargeCustomerFail: { last4: "0341", onSession: "ok", offSession: "decline" },
  pm_card_authenticationRequired: { last4: "3220", onSession: "auth", offSession: "decline" },
};

const KOREAN_TYPES = ["kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay"];
const KNOWN_TYPES = ["card", ...KOREAN_TYPES];
const NOT_SETUP_CAPABLE = ["payco", "samsung_pay"];

export const FAKE_FEE_BP = 340;

/** What the payer does on the redirect page. */
export type RedirectAction = "authorize" | "fail" | "cancel";

interface Intent {
  id: string;
  object: "setup_intent" | "payment_intent";
  status: string;
  customer: string;
  client_secret: string;
  metadata: Record<string, string>;
  payment_method: string | null;
  allowed_payment_method_types: string[];
  payment_method_types: string[];
  next_action: Json | null;
  amount?: number;
  currency?: string;
  latest_charge?: string | null;
  last_setup_error?: Json | null;
  last_payment_error?: Json | null;
}

/** A payment method created by confirming with `payment_method_data` (a Korean method). */
interface CreatedMethod {
  type: string;
  last4: string | null;
  offSession: "ok" | "decline";
  returnUrl: string;
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
  /**
   * The payer on the redirect page (over HTTP, as a browser would): returns where Stripe sends
   * them back. `offSession: "decline"` makes later off-session charges of a saved method fail;
   * `last4` is the Korean card's.
   */
  answerRedirect(redirectUrl: string, action: RedirectAction, options?: { offSession?: "ok" | "decline"; last4?: string }): Promise<string>;
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

function listParam(params: Record<string, string>, name: string): string[] {
  return Object.entries(params)
    .filter(([key]) => key.startsWith(`${name}[`))
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

type Answer = { status: number; body: Json };

function invalid(message: string, code: string, param?: string): Answer {
  return { status: 400, body: { error: { type: "invalid_request_error", code, message, ...(param ? { param } : {}) } } };
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const intents = new Map<string, Intent>();
  const created = new Map<string, CreatedMethod>();
  const charges = new Map<string, { id: string; fee: number; amount: number; payment_intent: string }>();
  const idempotent = new Map<string, { paramsHash: string; status: number; body: Json }>();
  const events: Json[] = [];
  const refunds: Json[] = [];
  const requests: FakeStripe["requests"] = [];
  let failures = 0;
  let base = "";
  const id = (prefix: string) => `${prefix}_${randomBytes(10).toString("hex")}`;

  const emit = (type: string, object: Intent) => {
    events.push({ id: id("evt"), object: "event", type, api_version: "2026-10-28.endive", created: Math.floor(Date.now() / 1000), data: { object: { ...object } }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } });
  };
  const prefixOf = (intent: Intent) => (intent.object === "setup_intent" ? "setup_intent" : "payment_intent");

  /** The allowed types an intent is created with, checked as Stripe checks them. */
  const allowedTypes = (params: Record<string, string>, setup: boolean): { types: string[] } | Answer => {
    if (listParam(params, "payment_method_types").length > 0) return invalid("Received unknown parameter: payment_method_types", "parameter_unknown", "payment_method_types");
    const types = listParam(params, "allowed_payment_method_types");
    const unknown = types.find((type) => !KNOWN_TYPES.includes(type));
    if (unknown) return invalid(`The payment method type "${unknown}" is invalid.`, "parameter_invalid_string", "allowed_payment_method_types");
    const notSetup = setup ? types.find((type) => NOT_SETUP_CAPABLE.includes(type)) : undefined;
    if (notSetup) return invalid(`${notSetup} cannot be set up for future usage.`, "parameter_invalid_string", "allowed_payment_method_types");
    if (!setup && params.currency !== "krw" && types.some((type) => KOREAN_TYPES.includes(type))) return invalid("South Korean payment methods take krw only.", "parameter_invalid_string", "currency");
    return { types: types.length > 0 ? types : ["card"] };
  };

  /** The allowed types this amount can use (Stripe returns them as `payment_method_types`). */
  const compatible = (types: string[], amount: number | undefined): string[] =>
    types.filter((type) => amount === undefined || !KOREAN_TYPES.includes(type) || (amount >= 100 && (type !== "samsung_pay" || amount <= 2_000_000)));

  const methodOf = (paymentMethod: string) => {
    const card = TEST_CARDS[paymentMethod];
    if (card) return { type: "card", last4: card.last4, onSession: card.onSession, offSession: card.offSession };
    const method = created.get(paymentMethod);
    return method ? { type: method.type, last4: method.last4, onSession: "ok" as const, offSession: method.offSession } : null;
  };

  const chargeIntent = (intent: Intent, paymentMethod: string, offSession: boolean): Answer => {
    const method = methodOf(paymentMethod);
    if (method && !intent.payment_method_types.includes(method.type)) return invalid(`The PaymentMethod type ${method.type} is not allowed for this PaymentIntent.`, "payment_intent_invalid_parameter", "payment_method");
    intent.payment_method = paymentMethod;
    const outcome = !method ? "decline" : offSession ? method.offSession : method.onSession;
    if (outcome === "auth") {
      intent.status = "requires_action";
      emit("payment_intent.requires_action", intent);
      return { status: 200, body: { ...intent } };
    }
    if (outcome === "decline") {
      intent.status = "requires_payment_method";
      const error =
        method && method.type !== "card" && method.type !== "kr_card"
          ? { type: "card_error", code: "payment_method_provider_decline", message: "The payment was declined by the payment method provider." }
          : { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." };
      intent.last_payment_error = error;
      emit("payment_intent.payment_failed", intent);
      return { status: 402, body: { error: { ...error, payment_intent: { ...intent } } } };
    }
    succeedPayment(intent);
    return { status: 200, body: { ...intent } };
  };

  const succeedPayment = (intent: Intent) => {
    const charge = { id: id("ch"), fee: Math.floor(((intent.amount ?? 0) * FAKE_FEE_BP) / 10_000), amount: intent.amount ?? 0, payment_intent: intent.id };
    charges.set(charge.id, charge);
    intent.latest_charge = charge.id;
    intent.status = "succeeded";
    intent.next_action = null;
    intent.last_payment_error = null;
    emit("payment_intent.succeeded", intent);
  };

  const render = (intent: Intent, expand: string[]): Json => {
    const body: Json = { ...intent };
    const method = intent.payment_method ? methodOf(intent.payment_method) : null;
    if (expand.includes("payment_method") && intent.payment_method && method) {
      const details: Json = method.type === "card" ? { last4: method.last4 } : method.type === "kr_card" ? { brand: "shinhan", last4: method.last4 } : method.type === "naver_pay" ? { buyer_id: "nv_buyer_test", funding: "card" } : {};
      body.payment_method = { id: intent.payment_method, object: "payment_method", type: method.type, [method.type]: details };
    }
    if (intent.latest_charge && expand.some((e) => e.startsWith("latest_charge"))) {
      const charge = charges.get(intent.latest_charge);
      body.latest_charge = charge
        ? { id: charge.id, object: "charge", amount: charge.amount, balance_transaction: expand.includes("latest_charge.balance_transaction") ? { id: id("txn"), object: "balance_transaction", fee: charge.fee } : id("txn") }
        : null;
    }
    return body;
  };

  const unexpectedState = (intent: Intent): Answer =>
    invalid(`This ${intent.object === "setup_intent" ? "SetupIntent" : "PaymentIntent"}'s status is ${intent.status}, so it cannot be confirmed or cancelled.`, `${prefixOf(intent)}_unexpected_state`);

  /** Confirm with a Korean method: a new payment method and the page the payer must visit. */
  const confirmWithRedirect = (intent: Intent, type: string, returnUrl: string | undefined, expand: string[]): Answer => {
    if (!intent.payment_method_types.includes(type)) return invalid(`The payment method type ${type} is not allowed for this ${intent.object}.`, `${prefixOf(intent)}_invalid_parameter`, "payment_method_data[type]");
    if (!returnUrl) return invalid("A return_url is required to confirm with a redirect-based payment method.", "parameter_missing", "return_url");
    const paymentMethod = id("pm");
    created.set(paymentMethod, { type, last4: null, offSession: "ok", returnUrl });
    intent.payment_method = paymentMethod;
    intent.status = "requires_action";
    intent.next_action = { type: "redirect_to_url", redirect_to_url: { url: `${base}/redirect/${intent.id}`, return_url: returnUrl } };
    intent.last_payment_error = null;
    intent.last_setup_error = null;
    emit(`${prefixOf(intent)}.requires_action`, intent);
    return { status: 200, body: render(intent, expand) };
  };

  /** The redirect page's answer; returns where the payer is sent back to. */
  const answer = (intent: Intent, action: RedirectAction, options: { offSession?: "ok" | "decline"; last4?: string }): string | null => {
    const method = intent.payment_method ? created.get(intent.payment_method) : undefined;
    if (!method) return null;
    const back = new URL(method.returnUrl);
    const prefix = prefixOf(intent);
    back.searchParams.set(prefix, intent.id);
    back.searchParams.set(`${prefix}_client_secret`, intent.client_secret);
    if (intent.status !== "requires_action") {
      back.searchParams.set("redirect_status", intent.status === "succeeded" ? "succeeded" : "failed");
      return back.href;
    }
    intent.next_action = null;
    if (action === "authorize") {
      method.offSession = options.offSession ?? "ok";
      method.last4 = method.type === "kr_card" ? (options.last4 ?? "8430") : null;
      if (intent.object === "payment_intent") succeedPayment(intent);
      else {
        intent.status = "succeeded";
        emit("setup_intent.succeeded", intent);
      }
      back.searchParams.set("redirect_status", "succeeded");
      return back.href;
    }
    const error =
      action === "fail"
        ? { type: "card_error", code: "payment_method_provider_decline", message: "The payment was declined by the payment method provider." }
        : { type: "invalid_request_error", code: `${prefix}_authentication_failure`, message: "The provided PaymentMethod has failed authentication." };
    intent.status = "requires_payment_method";
    intent.payment_method = null;
    if (intent.object === "payment_intent") {
      intent.last_payment_error = error;
      emit("payment_intent.payment_failed", intent);
    } else {
      intent.last_setup_error = error;
      emit("setup_intent.setup_failed", intent);
    }
    back.searchParams.set("redirect_status", "failed");
    return back.href;
  };

  const route = (method: string, path: string, params: Record<string, string>): Answer => {
    const notFound = { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such object: ${path}` } } };
    if (method === "POST" && path === "/v1/customers") return { status: 200, body: { id: id("cus"), object: "customer", email: params.email ?? null } };
    if (method === "POST" && path === "/v1/setup_intents") {
      const allowed = allowedTypes(params, true);
      if ("status" in allowed) return allowed;
      const intent: Intent = {
        id: id("seti"),
        object: "setup_intent",
        status: "requires_payment_method",
        customer: params.customer ?? "",
        client_secret: `${id("seti")}_secret_${randomBytes(6).toString("hex")}`,
        metadata: metadataOf(params),
        payment_method: null,
        allowed_payment_method_types: allowed.types,
        payment_method_types: allowed.types,
        next_action: null,
        last_setup_error: null,
      };
      intents.set(intent.id, intent);
      return { status: 200, body: { ...intent } };
    }
    if (method === "POST" && path === "/v1/payment_intents") {
      const allowed = allowedTypes(params, false);
      if ("status" in allowed) return allowed;
      const amount = Number(params.amount);
      const intent: Intent = {
        id: id("pi"),
        object: "payment_intent",
        status: "requires_payment_method",
        customer: params.customer ?? "",
        client_secret: `${id("pi")}_secret_${randomBytes(6).toString("hex")}`,
        metadata: metadataOf(params),
        payment_method: null,
        allowed_payment_method_types: allowed.types,
        payment_method_types: compatible(allowed.types, amount),
        next_action: null,
        amount,
        currency: params.currency ?? "krw",
        latest_charge: null,
        last_payment_error: null,
      };
      intents.set(intent.id, intent);
      if (params.confirm === "true" && params.payment_method) return chargeIntent(intent, params.payment_method, params.off_session === "true");
      return { status: 200, body: { ...intent } };
    }
    const action = path.match(/^\/v1\/(setup_intents|payment_intents)\/([a-z]+_[0-9a-f]+)\/(confirm|cancel)$/);
    if (method === "POST" && action?.[2]) {
      const intent = intents.get(action[2]);
      if (!intent) return notFound;
      if (intent.status === "succeeded" || intent.status === "canceled" || (action[3] === "cancel" && intent.status === "processing")) return unexpectedState(intent);
      if (action[3] === "cancel") {
        intent.status = "canceled";
        intent.next_action = null;
        emit(`${prefixOf(intent)}.canceled`, intent);
        return { status: 200, body: render(intent, expands(params)) };
      }
      const type = params["payment_method_data[type]"];
      if (type && KOREAN_TYPES.includes(type)) return confirmWithRedirect(intent, type, params.return_url, expands(params));
      return invalid("Confirm with a South Korean payment method's payment_method_data[type]; cards are confirmed with Stripe.js here.", "parameter_missing", "payment_method_data[type]");
    }
    const retrieve = path.match(/^\/v1\/(setup_intents|payment_intents)\/([a-z]+_[0-9a-f]+)$/);
    if (method === "GET" && retrieve?.[2]) {
      const intent = intents.get(retrieve[2]);
      return intent ? { status: 200, body: render(intent, expands(params)) } : notFound;
    }
    if (method === "POST" && path === "/v1/refunds") {
      const intent = intents.get(params.payment_intent ?? "");
      if (!intent || intent.status !== "succeeded") return invalid("This PaymentIntent has not been charged.", "charge_not_refundable");
      const refund = { id: id("re"), object: "refund", status: "succeeded", amount: Number(params.amount ?? intent.amount), payment_intent: intent.id };
      refunds.push(refund);
      return { status: 200, body: refund };
    }
    return notFound;
  };

  /** The hosted redirect page: GET shows the choices, POST answers and sends the payer back. */
  const redirectPage = (req: IncomingMessage, res: ServerResponse, intentId: string, body: string) => {
    const intent = intents.get(intentId);
    if (!intent) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("No such redirect");
      return;
    }
    if (req.method === "GET") {
      const buttons = ["authorize", "fail", "cancel"].map((choice) => `<button name="action" value="${choice}">${choice}</button>`).join("");
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><title>Test redirect</title><form method="post">${buttons}</form>`);
      return;
    }
    const form = parseForm(body);
    const choice = form.action === "authorize" || form.action === "fail" || form.action === "cancel" ? form.action : "cancel";
    const offSession = form.off_session === "decline" ? "decline" : "ok";
    const back = answer(intent, choice, { offSession, ...(form.last4 ? { last4: form.last4 } : {}) });
    if (!back) {
      res.writeHead(400, { "Content-Type": "text/plain" });
      res.end("Nothing to approve");
      return;
    }
    res.writeHead(302, { Location: back });
    res.end();
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const raw = Buffer.concat(chunks).toString("utf8");
      const redirect = url.pathname.match(/^\/redirect\/([a-z]+_[0-9a-f]+)$/);
      if (redirect?.[1]) {
        redirectPage(req, res, redirect[1], raw);
        return;
      }
      const params = req.method === "GET" ? parseForm(url.search.slice(1)) : parseForm(raw);
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
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
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
      if (intent.status === "canceled") throw new Error("You cannot confirm this SetupIntent because it has a status of canceled.");
      const behaviour = TEST_CARDS[paymentMethod];
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
      if (intent.status === "canceled") throw new Error("You cannot confirm this PaymentIntent because it has a status of canceled.");
      chargeIntent(intent, paymentMethod, false);
    },
    answerRedirect: async (redirectUrl, action, options = {}) => {
      const body = new URLSearchParams({ action, off_session: options.offSession ?? "ok", ...(options.last4 ? { last4: options.last4 } : {}) });
      const response = await fetch(redirectUrl, { method: "POST", body, redirect: "manual" });
      const location = response.headers.get("Location");
      if (response.status !== 302 || !location) throw new Error(`the redirect page answered ${response.status}: ${await response.text()}`);
      return location;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}
