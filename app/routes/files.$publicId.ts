import type { LoaderFunctionArgs } from "@remix-run/node";
import { optionalUser } from "../auth/guards.server";
import { canReadFile, findStoredFile } from "../files/files.server";
import { notFound } from "../utils/http.server";

export async function loader(args: LoaderFunctionArgs) {
  const publicId = args.params.publicId ?? "";
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(publicId)) throw notFound();
  const { db, fileStore } = args.context.services;
  const [user, file] = await Promise.all([optionalUser(args), findStoredFile(db, publicId)]);
  // A private file someone may not see is reported as missing, not as forbidden.
  if (!file || !(await canReadFile(db, user, file))) throw notFound();
  // A row whose bytes are not in the store (not yet imported from a server's disk) is missing, not a 500.
  const body = await fileStore.open(file.sha256);
  if (!body) throw notFound();
  return new Response(body, {
    headers: {
      "Content-Type": file.content_type,
      "Content-Length": String(file.size_bytes),
      "Content-Disposition": `inline; filename*=UTF-8''${encodeURIComponent(file.original_name)}`,
      "Cache-Control": file.visibility === "public" ? "public, max-age=86400" : "private, no-store",
      "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    },
  });
}
