import type { LoaderFunctionArgs } from "@remix-run/node";
import { latestCheckpointNote } from "../ledger/checkpoints.server";

// GET /ledger/checkpoint (C2SP tlog-tiles): the newest signed checkpoint with its cosignatures.
// It changes with every checkpoint, so caches keep it for a few seconds only.
export async function loader({ context }: LoaderFunctionArgs) {
  const note = await latestCheckpointNote(context.services.db);
  const headers = { "Content-Type": "text/plain; charset=utf-8", "Access-Control-Allow-Origin": "*" };
  if (!note) return new Response("No checkpoint has been signed yet.\n", { status: 404, headers: { ...headers, "Cache-Control": "no-store" } });
  return new Response(note, { headers: { ...headers, "Cache-Control": "public, max-age=5" } });
}
