import { json, type ActionFunctionArgs } from "@remix-run/node";
import { optionalUser } from "../auth/guards.server";
import { findCampaignIdBySlug } from "../campaigns/campaigns.server";
import { localeOf } from "../i18n/locale.server";
import { dictionaries } from "../i18n/messages";
import type { ErrorKey } from "../i18n/messages/errors";
import { checkCard } from "../payments/demo-cards";
import { confirmDemoCard } from "../payments/demo-checkout.server";
import { pledgeSchema } from "../pledges/pledge";
import { createPledge } from "../pledges/pledges.server";
import { seoulDate } from "../utils/dates";
import { parseForm } from "../utils/forms";

// The pledge API: what the pledge form does, in one JSON request. Authenticated by the session
// cookie (and the CSRF header, like every mutating request); the Idempotency-Key header makes a
// retried request return the same pledge. With the demo provider a test card can be included to
// pay at once.

function fail(request: Request, status: number, code: ErrorKey, fieldErrors: Record<string, ErrorKey[] | undefined> = {}) {
  const m = dictionaries[localeOf(request)];
  const fields = Object.fromEntries(Object.entries(fieldErrors).map(([field, keys]) => [field, (keys ?? []).map((k) => m.errors[k])]));
  return json({ error: code, message: m.errors[code], fieldErrors: fields }, { status });
}

function asFormData(body: Record<string, unknown>, idempotencyKey: string): FormData {
  const form = new FormData();
  for (const field of ["amount", "kind", "rewardId", "message", "backerKind", "companyName", "businessNumber", "nameDisplay"]) {
    const value = body[field];
    if (typeof value === "string" || typeof value === "number") form.set(field, String(value));
  }
  if (body.anonymous === true) form.set("nameDisplay", "anonymous");
  form.set("idempotencyKey", idempotencyKey);
  return form;
}

export async function action(args: ActionFunctionArgs) {
  const { request, params, context } = args;
  const services = context.services;
  const user = await optionalUser(args);
  if (!user) return json({ error: "unauthenticated" }, { status: 401 });
  const idempotencyKey = request.headers.get("Idempotency-Key") ?? "";
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = await request.json();
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return fail(request, 400, "invalid");
    body = parsed as Record<string, unknown>;
  } catch {
    return fail(request, 400, "invalid");
  }
  const campaign = await findCampaignIdBySlug(services.db, params.slug ?? "");
  if (!campaign) return fail(request, 404, "campaignNotOpen");
  // JSON has types: an amount is a whole number, a card an object (forms send text, the API not).
  const typeErrors: Record<string, ErrorKey[]> = {};
  if (typeof body.amount !== "number" || !Number.isSafeInteger(body.amount)) typeErrors.amount = ["invalidAmount"];
  if (body.card !== undefined && (typeof body.card !== "object" || body.card === null || Array.isArray(body.card))) typeErrors.card = ["invalid"];
  if (Object.keys(typeErrors).length > 0) return fail(request, 422, "invalid", typeErrors);
  const card = body.card as { number?: unknown; expiry?: unknown; cvc?: unknown } | undefined;
  const cardInput = card ? { number: String(card.number ?? ""), expiry: String(card.expiry ?? ""), cvc: String(card.cvc ?? "") } : null;
  // A card that cannot be valid is refused before anything is written.
  const checkedCard = cardInput ? checkCard(cardInput, seoulDate(services.clock.now())) : null;
  if (checkedCard && !checkedCard.ok) return fail(request, 422, checkedCard.error, { [checkedCard.field]: [checkedCard.error] });
  const parsed = parseForm(pledgeSchema, asFormData(body, idempotencyKey));
  if (!parsed.ok) return fail(request, 422, parsed.formError ?? "invalid", parsed.fieldErrors);
  try {
    const created = await createPledge(services, { backerId: user.id, campaignId: campaign.id, data: parsed.data });
    const { publicId, replayed } = created;
    let state: string = created.state;
    // A retry pays only what is still unpaid; a paid pledge is simply returned.
    if (cardInput && created.state === "pending_authorization") {
      const result = await confirmDemoCard(services, publicId, cardInput);
      state = result.requiresAction ? "requires_action" : (result.state ?? created.state);
    }
    return json({ pledge: publicId, state, replayed }, { status: replayed ? 200 : 201 });
  } catch (error) {
    if (error instanceof Error && error.name === "AppError") {
      const appError = error as Error & { code: ErrorKey; status: number; field?: string };
      return fail(request, appError.status, appError.code, appError.field ? { [appError.field]: [appError.code] } : {});
    }
    throw error;
  }
}

export function loader() {
  return json({ error: "method not allowed" }, { status: 405 });
}
