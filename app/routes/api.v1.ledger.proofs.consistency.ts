import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { parseSeq } from "../ledger/ledger-query";
import { getConsistencyProof } from "../ledger/proofs.server";

// GET /api/v1/ledger/proofs/consistency?from=<checkpoint size>[&to=<checkpoint size>]
// The RFC 9162 consistency proof that the older signed checkpoint is a prefix of the newer one.

const headers = { "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const from = parseSeq(params.get("from"));
  const to = parseSeq(params.get("to"));
  if (from === "invalid" || to === "invalid" || from === null) return json({ error: "from (and to, if given) must be whole numbers ≥ 1: checkpoint sizes" }, { status: 400, headers });
  const proof = await getConsistencyProof(context.services.db, from, to);
  if ("error" in proof) return json({ error: proof.error }, { status: proof.status, headers });
  return json(proof, { headers });
}
