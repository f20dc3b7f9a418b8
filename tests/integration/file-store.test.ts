import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK_BYTES, createPostgresFileStore, createS3FileStore, type FileStore } from "../../app/files/file-store.server";
import { importUploadDir, storeUpload } from "../../app/files/files.server";
import { FAKE_S3_ACCESS_KEY, FAKE_S3_SECRET_KEY, startFakeS3, type FakeS3 } from "../fakes/s3-server";
import { startApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";

let t: TestDatabase;
let s3: FakeS3;

beforeAll(async () => {
  t = await createDemoDatabase();
  s3 = await startFakeS3();
});
afterAll(async () => {
  await s3.close();
  await t.drop();
});

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const pdf = (size: number) => {
  const bytes = new Uint8Array(randomBytes(size));
  bytes.set(new TextEncoder().encode("%PDF-1.4\n"), 0);
  return bytes;
};
async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<Buffer> {
  if (!stream) throw new Error("no stream");
  const parts: Buffer[] = [];
  const reader = stream.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) parts.push(Buffer.from(part.value));
  return Buffer.concat(parts);
}
const s3Store = () =>
  createS3FileStore({ bucket: s3.bucket, endpoint: s3.url, region: "us-east-1", prefix: "files/", credentials: { accessKeyId: FAKE_S3_ACCESS_KEY, secretAccessKey: FAKE_S3_SECRET_KEY } });

describe("the PostgreSQL file store", () => {
  it("keeps bytes in chunks under their address and streams them back", async () => {
    const store = createPostgresFileStore(t.db);
    const bytes = pdf(2 * CHUNK_BYTES + 1234);
    const address = sha(bytes);
    expect(await store.open(address)).toBeNull();
    await store.put(t.db, address, bytes);
    await store.put(t.db, address, bytes);
    const chunks = await t.db.selectFrom("file_chunks").select(({ fn }) => fn.countAll<number>().as("n")).where("sha256", "=", address).executeTakeFirstOrThrow();
    expect(Number(chunks.n)).toBe(3);
    expect((await readAll(await store.open(address))).equals(Buffer.from(bytes))).toBe(true);
    expect(await store.has(address)).toBe(true);
  });

  it("writes in the caller's transaction: an upload that rolls back leaves no bytes", async () => {
    const store = createPostgresFileStore(t.db);
    const bytes = pdf(1000);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await store.put(trx, sha(bytes), bytes);
        throw new Error("the business write failed");
      }),
    ).rejects.toThrow("the business write failed");
    expect(await store.has(sha(bytes))).toBe(false);
  });

  it("stores the same bytes once when they are uploaded at the same moment", async () => {
    const store = createPostgresFileStore(t.db);
    const bytes = pdf(CHUNK_BYTES + 10);
    await Promise.all(Array.from({ length: 4 }, () => t.db.transaction().execute((trx) => store.put(trx, sha(bytes), bytes))));
    const rows = await t.db.selectFrom("file_chunks").select("chunk_no").where("sha256", "=", sha(bytes)).orderBy("chunk_no").execute();
    expect(rows.map((r) => r.chunk_no)).toEqual([0, 1]);
  });

  it("is checked by the database: bytes that are not their address, extra chunks, rewrites", async () => {
    const bytes = pdf(100);
    const wrong = "0".repeat(64);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx.insertInto("file_blobs").values({ sha256: wrong, size_bytes: 100, chunk_count: 1 }).execute();
        await trx.insertInto("file_chunks").values({ sha256: wrong, chunk_no: 0, data: bytes }).execute();
      }),
    ).rejects.toThrow(/does not hold the bytes its address names/);
    const store = createPostgresFileStore(t.db);
    await store.put(t.db, sha(bytes), bytes);
    await expect(t.db.insertInto("file_chunks").values({ sha256: sha(bytes), chunk_no: 1, data: bytes }).execute()).rejects.toThrow(/past the end/);
    await expect(sql`UPDATE file_chunks SET data = '\\x00' WHERE sha256 = ${sha(bytes)}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM file_blobs WHERE sha256 = ${sha(bytes)}`.execute(t.db)).rejects.toThrow(/permission denied/);
  });
});

describe("the S3 file store (a fake S3 server, the real AWS client)", () => {
  it("puts, finds and streams objects by address, and stores the same bytes once", async () => {
    const store = s3Store();
    const bytes = pdf(300_000);
    const address = sha(bytes);
    expect(await store.has(address)).toBe(false);
    expect(await store.open(address)).toBeNull();
    await store.put(t.db, address, bytes);
    await store.put(t.db, address, bytes);
    expect(s3.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
    expect(s3.objects.get(`files/${address.slice(0, 2)}/${address}`)?.equals(Buffer.from(bytes))).toBe(true);
    expect((await readAll(await store.open(address))).equals(Buffer.from(bytes))).toBe(true);
  });

  it("refuses to work with wrong credentials (the fake checks the signature's key)", async () => {
    const store = createS3FileStore({ bucket: s3.bucket, endpoint: s3.url, region: "us-east-1", prefix: "", credentials: { accessKeyId: "AKIAWRONGWRONGWRONG0", secretAccessKey: "x" } });
    await expect(store.has("a".repeat(64))).rejects.toThrow();
  });
});

describe("files over HTTP, whichever store holds them", () => {
  it("serve an upload kept in S3 with the same access rules", async () => {
    const app = await startApp(t.db);
    app.services.fileStore = s3Store();
    try {
      const enterprise = await enterpriseId(t, "함께 크는 나무 협동조합");
      const owner = await userId(t, "coop@hamkke.demo");
      const bytes = pdf(CHUNK_BYTES * 2);
      const stored = await storeUpload(t.db, app.services.fileStore, new File([bytes], "계획서.pdf"), "document", { purpose: "loan_document", enterpriseId: enterprise, uploadedBy: owner });
      expect(await createPostgresFileStore(t.db).has(sha(bytes))).toBe(false);
      expect((await app.client().get(`/files/${stored.publicId}`)).status).toBe(404);
      const member = app.client();
      await member.logIn("coop@hamkke.demo", DEMO_PASSWORD);
      const response = await member.get(`/files/${stored.publicId}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Length")).toBe(String(bytes.byteLength));
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe("files kept on disk before the file store", () => {
  it("are imported into the store at start, checked against their address, once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hamkke-uploads-"));
    const keep = async (bytes: Uint8Array, onDisk: Uint8Array = bytes) => {
      const address = sha(bytes);
      mkdirSync(join(dir, address.slice(0, 2), address.slice(2, 4)), { recursive: true });
      writeFileSync(join(dir, address.slice(0, 2), address.slice(2, 4), address), onDisk);
      await t.db
        .insertInto("stored_files")
        .values({ public_id: randomBytes(18).toString("base64url"), sha256: address, original_name: "old.pdf", content_type: "application/pdf", size_bytes: bytes.byteLength, uploaded_by: null, purpose: "unlinked" })
        .execute();
      return address;
    };
    const stores: FileStore[] = [createPostgresFileStore(t.db), s3Store()];
    for (const store of stores) {
      const good = await keep(pdf(CHUNK_BYTES + 5));
      const damaged = await keep(pdf(50), pdf(50));
      const result = await importUploadDir(t.db, store, dir);
      expect(result.imported).toBeGreaterThanOrEqual(1);
      expect(await store.has(good)).toBe(true);
      expect(await store.has(damaged)).toBe(false);
      const again = await importUploadDir(t.db, store, dir);
      expect(again.imported).toBe(0);
    }
  });
});
