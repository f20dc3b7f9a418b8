import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Database, DbOrTx } from "../utils/db.server";
import type { Env } from "../utils/env.server";

/**
 * Where the bytes of uploaded files live, by content address (SHA-256 in hex). Every server of a
 * deployment sees the same store, so a file uploaded on one downloads on any other.
 */
export interface FileStore {
  readonly kind: "postgres" | "s3";
  /**
   * Stores the bytes under their address; a no-op when they are there already. `db` is the
   * transaction the file's row is written in: the PostgreSQL store writes in it, so an upload
   * that rolls back leaves no bytes behind.
   */
  put(db: DbOrTx, sha256: string, bytes: Uint8Array): Promise<void>;
  has(sha256: string): Promise<boolean>;
  /** The bytes as a stream read a chunk at a time, or null when the store does not have them. */
  open(sha256: string): Promise<ReadableStream<Uint8Array> | null>;
}

/** 256 KiB: a 20 MB document is 77 rows, and a download holds one chunk in memory at a time. */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks inserted per statement, so no statement carries more than 2 MiB. */
const CHUNKS_PER_INSERT = 8;

export function createPostgresFileStore(db: Database): FileStore {
  return {
    kind: "postgres",
    async put(handle, sha256, bytes) {
      // The blob row is checked against its chunks at commit: both go in one transaction.
      if (!handle.isTransaction) return handle.transaction().execute((trx) => this.put(trx, sha256, bytes));
      const chunkCount = Math.ceil(bytes.byteLength / CHUNK_BYTES);
      // A concurrent upload of the same bytes waits here on the key and then finds them stored.
      const created = await handle
        .insertInto("file_blobs")
        .values({ sha256, size_bytes: bytes.byteLength, chunk_count: chunkCount })
        .onConflict((oc) => oc.column("sha256").doNothing())
        .returning("sha256")
        .executeTakeFirst();
      if (!created) return;
      for (let first = 0; first < chunkCount; first += CHUNKS_PER_INSERT) {
        const rows = [];
        for (let n = first; n < Math.min(chunkCount, first + CHUNKS_PER_INSERT); n++) {
          rows.push({ sha256, chunk_no: n, data: bytes.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) });
        }
        await handle.insertInto("file_chunks").values(rows).execute();
      }
    },
    async has(sha256) {
      const row = await db.selectFrom("file_blobs").select("sha256").where("sha256", "=", sha256).executeTakeFirst();
      return row !== undefined;
    },
    async open(sha256) {
      const blob = await db.selectFrom("file_blobs").select("chunk_count").where("sha256", "=", sha256).executeTakeFirst();
      if (!blob) return null;
      let next = 0;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          const chunk = await db.selectFrom("file_chunks").select("data").where("sha256", "=", sha256).where("chunk_no", "=", next).executeTakeFirstOrThrow();
          controller.enqueue(new Uint8Array(chunk.data));
          next += 1;
          if (next === blob.chunk_count) controller.close();
        },
      });
    },
  };
}

export interface S3Options {
  bucket: string;
  /** An S3-compatible endpoint (MinIO, R2, NCP Object Storage…); addressed path-style. AWS S3 when absent. */
  endpoint?: string;
  region: string;
  /** Key prefix inside the bucket, e.g. "hamkke/". */
  prefix: string;
  /** Without them, the AWS SDK's usual sources (AWS_ACCESS_KEY_ID…, a profile, an instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function createS3FileStore(options: S3Options): FileStore {
  const client = new S3Client({
    region: options.region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    // Checksums only where S3 requires them: many S3-compatible servers refuse the newer defaults.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const key = (sha256: string) => `${options.prefix}${sha256.slice(0, 2)}/${sha256}`;
  const missing = (error: unknown) => error instanceof NoSuchKey || error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

  const has = async (sha256: string) => {
    try {
      await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: key(sha256) }));
      return true;
    } catch (error) {
      if (missing(error)) return false;
      throw error;
    }
  };
  return {
    kind: "s3",
    has,
    async put(_handle, sha256, bytes) {
      if (await has(sha256)) return;
      await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: key(sha256), Body: bytes, ContentLength: bytes.byteLength }));
    },
    async open(sha256) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key(sha256) }));
        return object.Body ? object.Body.transformToWebStream() : null;
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },
  };
}

/** S3 when S3_BUCKET is set, otherwise PostgreSQL. */
export function createFileStore(env: Env, db: Database): FileStore {
  return env.S3_BUCKET ? createS3FileStore({ bucket: env.S3_BUCKET, endpoint: env.S3_ENDPOINT, region: env.S3_REGION, prefix: env.S3_PREFIX }) : createPostgresFileStore(db);
}
