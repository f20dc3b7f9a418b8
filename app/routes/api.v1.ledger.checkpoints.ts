import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { checkpointsDocument } from "../ledger/checkpoints.server";

// GET /api/v1/ledger/checkpoints: every signed checkpoint, oldest first, with the public keys.
export async function loader({ context }: LoaderFunctionArgs) {
  const { db, ledgerSigner, env } = context.services;
  return json(await checkpointsDocument(db, ledgerSigner, env), {
    headers: { "Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*" },
  });
}
