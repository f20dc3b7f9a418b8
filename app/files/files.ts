import type { FilePurpose, StaffRole, StoredContentType } from "../../db/types";
import type { ErrorKey } from "../i18n/messages/errors";

/** What an upload is for decides which types and sizes are accepted. */
export type UploadKind = "image" | "document";

const LIMITS: Record<UploadKind, { types: StoredContentType[]; maxBytes: number }> = {
  image: { types: ["image/jpeg", "image/png", "image/webp"], maxBytes: 5 * 1024 * 1024 },
  document: { types: ["image/jpeg", "image/png", "image/webp", "application/pdf"], maxBytes: 20 * 1024 * 1024 },
};

export function uploadLimit(kind: UploadKind): { types: StoredContentType[]; maxBytes: number } {
  return LIMITS[kind];
}

/** The real type from the first bytes; the name and the browser's claim are not trusted. */
export function detectContentType(head: Uint8Array): StoredContentType | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50) return "image/webp";
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf";
  return null;
}

export function checkUpload(kind: UploadKind, sizeBytes: number, detected: StoredContentType | null): ErrorKey | null {
  const limit = LIMITS[kind];
  if (sizeBytes === 0) return "fileRequired";
  if (sizeBytes > limit.maxBytes) return "fileTooLarge";
  if (!detected || !limit.types.includes(detected)) return "fileTypeNotAllowed";
  return null;
}

/** A file name safe to show and to put in Content-Disposition. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && !'"<>|*?:'.includes(ch))
    .join("")
    .trim()
    .slice(0, 200);
  return cleaned || "file";
}

/**
 * Who may read a file besides the uploader, platform admins and the members of its enterprise:
 * everyone (public), or the staff roles at its host that need it. Jurors and consultants are not
 * here: they read only the application documents of what they were given (checked per file).
 */
export const FILE_READERS: Readonly<Record<FilePurpose, { public: boolean; staff: readonly StaffRole[] }>> = {
  campaign_cover: { public: true, staff: [] },
  report_photo: { public: true, staff: [] },
  redacted_receipt: { public: true, staff: [] },
  disbursement_receipt: { public: false, staff: ["operator", "auditor"] },
  offline_evidence: { public: false, staff: ["operator", "auditor"] },
  application_document: { public: false, staff: ["operator", "auditor"] },
  fund_evidence: { public: false, staff: ["fund_admin", "auditor"] },
  loan_document: { public: false, staff: ["fund_admin", "auditor"] },
  unlinked: { public: false, staff: [] },
};
