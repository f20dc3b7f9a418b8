import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { hasStaffRole, membershipOf } from "../auth/guards.server";
import type { SessionUser } from "../auth/session.server";
import { AppError } from "../utils/app-error";
import type { FilePurpose } from "../../db/types";
import type { Database, DbOrTx } from "../utils/db.server";
import type { FileStore } from "./file-store.server";
import { checkUpload, cleanFileName, detectContentType, FILE_READERS, type UploadKind } from "./files";

export interface UploadOwner {
  /** What the file is for: decides whether it is public and who else may read it (FILE_READERS). */
  purpose: FilePurpose;
  hostId?: number | null;
  enterpriseId?: number | null;
  uploadedBy: number | null;
}

export interface StoredFileRef {
  id: number;
  publicId: string;
  originalName: string;
}

/** Reads an optional file field; an empty file input counts as no file. */
export function fileField(formData: FormData, name: string): File | null {
  const value = formData.get(name);
  return value instanceof File && value.size > 0 ? value : null;
}

/**
 * Checks the real type and size, stores the bytes content-addressed in the file store and records
 * who may see them. Throws AppError(fileTooLarge | fileTypeNotAllowed, field).
 */
export async function storeUpload(db: DbOrTx, fileStore: FileStore, file: File, kind: UploadKind, owner: UploadOwner, field = "file"): Promise<StoredFileRef> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const detected = detectContentType(bytes.subarray(0, 16));
  const problem = checkUpload(kind, bytes.byteLength, detected);
  if (problem || !detected) throw new AppError(problem ?? "fileTypeNotAllowed", 422, field);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await fileStore.put(db, sha256, bytes);
  const row = await db
    .insertInto("stored_files")
    .values({
      public_id: randomBytes(18).toString("base64url"),
      sha256,
      original_name: cleanFileName(file.name),
      content_type: detected,
      size_bytes: bytes.byteLength,
      visibility: FILE_READERS[owner.purpose].public ? "public" : "private",
      purpose: owner.purpose,
      host_id: owner.hostId ?? null,
      enterprise_id: owner.enterpriseId ?? null,
      uploaded_by: owner.uploadedBy,
    })
    .returning(["id", "public_id", "original_name"])
    .executeTakeFirstOrThrow();
  return { id: row.id, publicId: row.public_id, originalName: row.original_name };
}

export async function findStoredFile(db: DbOrTx, publicId: string) {
  return db
    .selectFrom("stored_files")
    .select(["id", "public_id", "sha256", "original_name", "content_type", "size_bytes", "visibility", "purpose", "host_id", "enterprise_id", "uploaded_by"])
    .where("public_id", "=", publicId)
    .executeTakeFirst();
}

export type StoredFileRow = NonNullable<Awaited<ReturnType<typeof findStoredFile>>>;

/**
 * Public files for everyone; a private one for its uploader, platform admins, the members of its
 * enterprise, the staff roles of its host that its purpose names, and — for an application's
 * documents — the jurors of that contest (not those who declared a conflict with it) and the
 * consultants of the campaign it became.
 */
export async function canReadFile(db: DbOrTx, user: SessionUser | null, file: Pick<StoredFileRow, "id" | "visibility" | "purpose" | "host_id" | "enterprise_id" | "uploaded_by">): Promise<boolean> {
  if (file.visibility === "public") return true;
  if (!user) return false;
  if (user.isPlatformAdmin || file.uploaded_by === user.id) return true;
  if (file.enterprise_id !== null && membershipOf(user, file.enterprise_id)) return true;
  if (file.host_id === null) return false;
  if (hasStaffRole(user, file.host_id, FILE_READERS[file.purpose].staff)) return true;
  if (file.purpose !== "application_document") return false;
  const asJuror = hasStaffRole(user, file.host_id, ["juror"]);
  const asConsultant = hasStaffRole(user, file.host_id, ["consultant"]);
  if (!asJuror && !asConsultant) return false;
  const given = await db
    .selectFrom("contest_application_documents as d")
    .innerJoin("contest_applications as a", "a.id", "d.application_id")
    .select("d.id")
    .where("d.file_id", "=", file.id)
    .where((eb) =>
      eb.or([
        asJuror
          ? eb.and([
              eb.exists(eb.selectFrom("contest_jurors as j").select("j.user_id").whereRef("j.contest_id", "=", "a.contest_id").where("j.user_id", "=", user.id)),
              eb.not(eb.exists(eb.selectFrom("contest_conflicts as c").select("c.juror_id").whereRef("c.application_id", "=", "a.id").where("c.juror_id", "=", user.id))),
            ])
          : eb.val(false),
        asConsultant
          ? eb.exists(eb.selectFrom("campaign_consultants as k").select("k.consultant_id").whereRef("k.campaign_id", "=", "a.campaign_id").where("k.consultant_id", "=", user.id))
          : eb.val(false),
      ]),
    )
    .executeTakeFirst();
  return given !== undefined;
}

/**
 * Moves files kept on a server's disk before the file store existed (`<dir>/ab/cd/<sha256>`) into
 * the store: each file a row refers to and the store lacks, checked against its address. Safe to
 * run on every start and on every server at once; returns how many it moved.
 */
export async function importUploadDir(db: Database, fileStore: FileStore, dir: string): Promise<{ imported: number; missing: number }> {
  const rows = await db.selectFrom("stored_files").select("sha256").distinct().execute();
  let imported = 0;
  let missing = 0;
  for (const { sha256 } of rows) {
    if (await fileStore.has(sha256)) continue;
    const bytes = await readFile(join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256)).catch(() => null);
    if (!bytes || createHash("sha256").update(bytes).digest("hex") !== sha256) {
      missing += 1;
      continue;
    }
    await db.transaction().execute((trx) => fileStore.put(trx, sha256, new Uint8Array(bytes)));
    imported += 1;
  }
  return { imported, missing };
}

/** Whether a directory of files kept on disk (the upload directory before the file store) exists. */
export async function hasUploadDir(dir: string): Promise<boolean> {
  return readdir(dir).then(
    (entries) => entries.length > 0,
    () => false,
  );
}
