import { json, type ActionFunctionArgs } from "@remix-run/node";
import { handleStripeWebhook } from "../payments/webhooks.server";

// Authenticated by Stripe's signature, not a session: exempt from the CSRF gate (/api/webhooks/).
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "method not allowed" }, { status: 405 });
  const rawBody = await request.text();
  const result = await handleStripeWebhook(context.services, rawBody, request.headers.get("Stripe-Signature"));
  if (result.status === 400) context.services.metrics.webhooksRejected.inc({ provider: "stripe" });
  return json({ outcome: result.outcome }, { status: result.status });
}

export function loader() {
  return json({ error: "method not allowed" }, { status: 405 });
}
