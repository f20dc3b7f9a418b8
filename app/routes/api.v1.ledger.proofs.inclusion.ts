import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { parseSeq } from "../ledger/ledger-query";
import { getInclusionProof } from "../ledger/proofs.server";

// GET /api/v1/ledger/proofs/inclusion?seq=<n> | leaf_hash=<hex> [&size=<checkpoint size>]
// The entry's RFC 9162 inclusion proof in a signed Merkle checkpoint (default: the newest).

const headers = { "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const seq = parseSeq(params.get("seq"));
  const size = parseSeq(params.get("size"));
  const leafHash = params.get("leaf_hash")?.trim().toLowerCase() ?? null;
  if (seq === "invalid" || size === "invalid") return json({ error: `${seq === "invalid" ? "seq" : "size"} must be a whole number ≥ 1` }, { status: 400, headers });
  if ((seq === null) === (leafHash === null)) return json({ error: "give either seq or leaf_hash" }, { status: 400, headers });
  if (leafHash !== null && !/^[0-9a-f]{64}$/.test(leafHash)) return json({ error: "leaf_hash must be 64 hex digits" }, { status: 400, headers });
  const proof = await getInclusionProof(context.services.db, seq !== null ? { seq } : { leafHash: Buffer.from(leafHash!, "hex") }, size);
  if ("error" in proof) return json({ error: proof.error }, { status: proof.status, headers });
  return json(proof, { headers });
}
