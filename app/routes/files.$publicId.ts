import type { LoaderFunctionArgs } from "@remix-run/node";
import { optionalUser } from "../auth/guards.server";
import { canReadFile, findStoredFile, readStoredBytes } from "../files/files.server";
import { notFound } from "../utils/http.server";

export async function loader(args: LoaderFunctionArgs) {
  const publicId = args.params.publicId ?? "";
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(publicId)) throw notFound();
  const { db, uploadDir } = args.context.services;
  const [user, file] = await Promise.all([optionalUser(args), findStoredFile(db, publicId)]);
  // A private file someone may not see is reported as missing, not as forbidden.
  if (!file || !(await canReadFile(db, user, file))) throw notFound();
  // A row whose bytes are gone (a restore without the upload directory) is missing, not a 500.
  const bytes = await readStoredBytes(uploadDir, file.sha256).catch((error: unknown) => {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") throw notFound();
    throw error;
  });
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": file.content_type,
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": `inline; filename*=UTF-8''${encodeURIComponent(file.original_name)}`,
      "Cache-Control": file.visibility === "public" ? "public, max-age=86400" : "private, no-store",
      "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    },
  });
}
