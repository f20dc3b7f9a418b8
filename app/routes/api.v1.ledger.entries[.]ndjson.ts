import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { exportLine } from "../ledger/export";
import { parseSeq } from "../ledger/ledger-query";
import { getLedgerHead } from "../ledger/ledger.server";
import { exportEntries } from "../ledger/public-ledger.server";
import { textStream } from "../utils/streams.server";
import { publicReader } from "../server/public-reads.server";

// GET /api/v1/ledger/entries.ndjson?after=<seq>&limit=<n>
// Canonical entries in seq order, one JSON object per line, streamed as the client reads. The
// export ends at the head when the request started, named in X-Ledger-Head-Seq.

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const after = parseSeq(params.get("after"), 0);
  const limit = parseSeq(params.get("limit"));
  if (after === "invalid" || limit === "invalid") {
    return json(
      { error: `${after === "invalid" ? "after" : "limit"} must be a whole number (after ≥ 0, limit ≥ 1)` },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
  const db = await publicReader({ request, context });
  const range = { after: after ?? 0, limit };
  const head = await getLedgerHead(db);
  async function* lines(): AsyncGenerator<string> {
    for await (const row of exportEntries(db, { ...range, upTo: head.seq })) yield exportLine(row);
  }
  return new Response(textStream(lines()), {
    headers: {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Ledger-Head-Seq": String(head.seq),
      "X-Ledger-Head-Chain-Hash": head.chainHash,
      "Access-Control-Allow-Origin": "*",
    },
  });
}
