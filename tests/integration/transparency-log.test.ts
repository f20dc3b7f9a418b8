import { execFile } from "node:child_process";
import { createPublicKey, sign, verify } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "../../db/migrations/index";
import { checkCheckpointDocuments, parseWitnessKey, verifierKey, type CheckpointsDocument } from "../../app/ledger/checkpoints";
import { createCheckpoint, verifyStoredCheckpoints } from "../../app/ledger/checkpoints.server";
import { appendEntries } from "../../app/ledger/ledger.server";
import { parseEntryBundle, tilePath, tilesOfTree } from "../../app/ledger/merkle";
import { extendMerkleTree, merkleRoot, verifyStoredTree } from "../../app/ledger/merkle.server";
import { sequenceBatch } from "../../app/ledger/sequencer.server";
import type { ConsistencyProofJson, InclusionProofJson } from "../../app/ledger/proofs.server";
import { logSource, verifyLog } from "../../app/ledger/verify-log.server";
import { requestCosignatures } from "../../app/ledger/witnesses.server";
import { readEnv } from "../../app/utils/env.server";
import { startFakeWitness, type FakeWitness } from "../fakes/witness-server";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { draftFor, writeLedger } from "../support/ledger";
import { MTH, TILE, verifyConsistencyRfc, verifyInclusionRfc } from "../support/rfc9162";

// The ledger as a C2SP transparency log, from the outside: checkpoints, tiles and entry bundles
// over HTTP, proofs from the API checked with the RFC implementation written in the tests, and
// witnesses (tests/fakes/witness-server.ts, written from the tlog-witness text) cosigning.

let t: TestDatabase;
let app: TestApp;
let gwangsan: FakeWitness;
let newspaper: FakeWitness;

const FIRST = 700;
const SECOND = 1_000;

async function canonicalTexts(db: TestDatabase["db"]): Promise<Buffer[]> {
  const rows = await db.selectFrom("sequenced_entries").select("canonical").orderBy("seq").execute();
  return rows.map((r) => Buffer.from(r.canonical, "utf8"));
}

/** A checkpoint note read as any tlog client reads it: origin, size, root and signature lines. */
function readNote(note: string) {
  const split = note.lastIndexOf("\n\n");
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.split("\n");
  const signatures = note
    .slice(split + 2)
    .trim()
    .split("\n")
    .map((line) => {
      const [, name, encoded] = /^\u2014 (\S+) (\S+)$/.exec(line)!;
      return { name: name!, bytes: Buffer.from(encoded!, "base64") };
    });
  return { text, origin: origin!, size: Number(size), root: Buffer.from(root!, "base64"), signatures };
}

const ed25519 = (raw: Buffer) => createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });

beforeAll(async () => {
  t = await createTestDatabase();
  await writeLedger(t.db, FIRST);
  app = await startApp(t.db);
  const logs = { [app.services.ledgerSigner.origin]: app.services.ledgerSigner.publicKey };
  gwangsan = await startFakeWitness("gwangsan.example.kr/witness", logs);
  newspaper = await startFakeWitness("news.example.kr/witness", logs);
  app.services.env = readEnv({ NODE_ENV: "test", LEDGER_WITNESSES: `${gwangsan.vkey} ${gwangsan.url}, ${newspaper.vkey} ${newspaper.url}/` });
}, 120_000);
afterAll(async () => {
  await Promise.all([gwangsan?.close(), newspaper?.close(), app?.close()]);
  await t?.drop();
});

describe("checkpoints", () => {
  it("sign the RFC 9162 root of the entries, and /ledger/checkpoint serves it as a C2SP signed note", async () => {
    const created = await createCheckpoint(app.services);
    const expected = MTH(await canonicalTexts(t.db));
    expect(created).toMatchObject({ size: FIRST, rootHash: expected.toString("hex") });
    const response = await app.client().get("/ledger/checkpoint");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=5");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const note = readNote(await response.text());
    expect(note).toMatchObject({ origin: app.services.ledgerSigner.origin, size: FIRST });
    expect(note.root.equals(expected)).toBe(true);
    expect(note.signatures).toHaveLength(1);
    const [logSignature] = note.signatures;
    expect(logSignature!.bytes.subarray(0, 4).toString("hex")).toBe(app.services.ledgerSigner.keyId);
    expect(verify(null, Buffer.from(note.text), ed25519(app.services.ledgerSigner.publicKey), logSignature!.bytes.subarray(4))).toBe(true);
  });
});

describe("tiles and entry bundles", () => {
  it("are the spec's tiles over the entries, immutable and open to any origin, for every tile of the tree", async () => {
    const entries = await canonicalTexts(t.db);
    for (const tile of tilesOfTree(FIRST)) {
      const response = await app.client().get(`/ledger/${tilePath(tile)}`);
      expect({ tile, status: response.status }).toEqual({ tile, status: 200 });
      expect(response.headers.get("content-type")).toBe("application/octet-stream");
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(Buffer.from(await response.arrayBuffer()).equals(TILE(entries, tile.level, tile.index, tile.width))).toBe(true);
    }
    for (const tile of tilesOfTree(FIRST).filter((x) => x.level === 0)) {
      const response = await app.client().get(`/ledger/${tilePath(tile, "entries")}`, { "Accept-Encoding": "gzip" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-encoding")).toBe("gzip");
      const bundle = parseEntryBundle(new Uint8Array(await response.arrayBuffer()));
      const first = tile.index * 256;
      expect(bundle?.map((e) => Buffer.from(e).toString("utf8"))).toEqual(entries.slice(first, first + tile.width).map((e) => e.toString("utf8")));
    }
  });

  it("let a mirror rebuild the tree: the entry bundles hash to the checkpoint's root", async () => {
    const note = readNote(await (await app.client().get("/ledger/checkpoint")).text());
    const entries: Buffer[] = [];
    for (const tile of tilesOfTree(note.size).filter((x) => x.level === 0)) {
      const bundle = parseEntryBundle(new Uint8Array(await (await app.client().get(`/ledger/${tilePath(tile, "entries")}`)).arrayBuffer()));
      entries.push(...(bundle ?? []).map((e) => Buffer.from(e)));
    }
    expect(MTH(entries).equals(note.root)).toBe(true);
  });

  it.each(["/ledger/tile/0/003", "/ledger/tile/1/000.p/3", "/ledger/tile/entries/002.p/189", "/ledger/tile/0/1", "/ledger/tile/9/x000/001", "/ledger/tile/data/000", "/ledger/tile/"])(
    "answer %s, which the tree does not have or no spec names, with a 404 nobody caches",
    async (path) => {
      const response = await app.client().get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get("cache-control")).toBe("no-store");
    },
  );
});

describe("proofs from the API", () => {
  it("prove any entry's inclusion in the newest checkpoint, by seq or by leaf hash", async () => {
    const entries = await canonicalTexts(t.db);
    for (const seq of [1, 2, 255, 256, 257, 512, 699, FIRST]) {
      const bySeq = (await (await app.client().get(`/api/v1/ledger/proofs/inclusion?seq=${seq}`)).json()) as InclusionProofJson;
      expect(bySeq).toMatchObject({ seq, leaf_index: seq - 1, size: FIRST, canonical: entries[seq - 1]!.toString("utf8") });
      const note = readNote(bySeq.checkpoint);
      expect(note.root.toString("hex")).toBe(bySeq.root_hash);
      const path = bySeq.inclusion_path.map((h) => Buffer.from(h, "hex"));
      expect(verifyInclusionRfc(seq - 1, FIRST, Buffer.from(bySeq.leaf_hash, "hex"), path, note.root)).toBe(true);
      const byLeaf = (await (await app.client().get(`/api/v1/ledger/proofs/inclusion?leaf_hash=${bySeq.leaf_hash.toUpperCase()}`)).json()) as InclusionProofJson;
      expect(byLeaf).toEqual(bySeq);
    }
  });

  it("prove consistency between two checkpoints, and the inclusion in an older one", async () => {
    await writeLedger(t.db, SECOND - FIRST, { from: FIRST });
    expect(await createCheckpoint(app.services)).toMatchObject({ size: SECOND });
    const proof = (await (await app.client().get(`/api/v1/ledger/proofs/consistency?from=${FIRST}`)).json()) as ConsistencyProofJson;
    expect(proof).toMatchObject({ old_size: FIRST, new_size: SECOND });
    const [older, newer] = [readNote(proof.old_checkpoint), readNote(proof.new_checkpoint)];
    expect(older.root.equals(MTH((await canonicalTexts(t.db)).slice(0, FIRST)))).toBe(true);
    expect(verifyConsistencyRfc(FIRST, SECOND, older.root, newer.root, proof.consistency_path.map((h) => Buffer.from(h, "hex")))).toBe(true);
    const old = (await (await app.client().get(`/api/v1/ledger/proofs/inclusion?seq=5&size=${FIRST}`)).json()) as InclusionProofJson;
    expect(verifyInclusionRfc(4, FIRST, Buffer.from(old.leaf_hash, "hex"), old.inclusion_path.map((h) => Buffer.from(h, "hex")), older.root)).toBe(true);
    const same = (await (await app.client().get(`/api/v1/ledger/proofs/consistency?from=${SECOND}&to=${SECOND}`)).json()) as ConsistencyProofJson;
    expect(same.consistency_path).toEqual([]);
  });

  it.each([
    ["/api/v1/ledger/proofs/inclusion", 400, /either seq or leaf_hash/],
    ["/api/v1/ledger/proofs/inclusion?seq=1&leaf_hash=00", 400, /either seq or leaf_hash/],
    ["/api/v1/ledger/proofs/inclusion?seq=abc", 400, /seq must be a whole number/],
    ["/api/v1/ledger/proofs/inclusion?leaf_hash=xyz", 400, /64 hex digits/],
    ["/api/v1/ledger/proofs/inclusion?seq=1&size=-3", 400, /size must be a whole number/],
    ["/api/v1/ledger/proofs/inclusion?seq=99999999", 404, /no entry has seq 99999999/],
    [`/api/v1/ledger/proofs/inclusion?leaf_hash=${"ab".repeat(32)}`, 404, /no entry has that leaf hash/],
    ["/api/v1/ledger/proofs/inclusion?seq=1&size=5", 404, /no signed Merkle checkpoint has size 5/],
    [`/api/v1/ledger/proofs/inclusion?seq=${SECOND - 1}&size=${FIRST}`, 404, /not in the checkpoint of size 700 yet/],
    ["/api/v1/ledger/proofs/consistency", 400, /checkpoint sizes/],
    [`/api/v1/ledger/proofs/consistency?from=${SECOND}&to=${FIRST}`, 400, /must not be larger/],
    ["/api/v1/ledger/proofs/consistency?from=3", 404, /no signed Merkle checkpoint has size 3/],
  ])("answer %s with %i and a reason", async (path, status, reason) => {
    const response = await app.client().get(path);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(reason);
  });
});

describe("witnesses", () => {
  it("cosign the newest checkpoint after checking it against what they saw, and the log publishes the cosignatures", async () => {
    const outcomes = await requestCosignatures(app.services);
    expect(outcomes).toEqual([
      { witness: gwangsan.name, status: "cosigned" },
      { witness: newspaper.name, status: "cosigned" },
    ]);
    // First contact: old size 0 and no proof, as tlog-witness asks.
    expect(gwangsan.requests.at(-1)).toMatchObject({ oldSize: 0, proofLines: 0, size: SECOND, status: 200 });
    const note = readNote(await (await app.client().get("/ledger/checkpoint")).text());
    expect(note.signatures.map((s) => s.name)).toEqual([app.services.ledgerSigner.origin, gwangsan.name, newspaper.name]);
    for (const [witness, line] of [[gwangsan, note.signatures[1]!] as const, [newspaper, note.signatures[2]!] as const]) {
      const key = Buffer.from(witness.vkey.split("+").slice(2).join("+"), "base64").subarray(1);
      const time = line.bytes.readBigUInt64BE(4);
      expect(verify(null, Buffer.from(`cosignature/v1\ntime ${time}\n${note.text}`), ed25519(key), line.bytes.subarray(12))).toBe(true);
    }
    expect(await requestCosignatures(app.services)).toEqual([
      { witness: gwangsan.name, status: "already-cosigned" },
      { witness: newspaper.name, status: "already-cosigned" },
    ]);
  });

  it("are sent a consistency proof from the size they cosigned, which an independent implementation accepts", async () => {
    await writeLedger(t.db, 37, { from: SECOND });
    await createCheckpoint(app.services);
    expect(await requestCosignatures(app.services)).toEqual([
      { witness: gwangsan.name, status: "cosigned" },
      { witness: newspaper.name, status: "cosigned" },
    ]);
    expect(gwangsan.requests.at(-1)).toMatchObject({ oldSize: SECOND, size: SECOND + 37, status: 200 });
    expect(gwangsan.requests.at(-1)!.proofLines).toBeGreaterThan(0);
    expect(gwangsan.sizeOf(app.services.ledgerSigner.origin)).toBe(SECOND + 37);
  });

  it("that lost their state answer 409 with their size, and the log resends from there", async () => {
    newspaper.reset();
    await writeLedger(t.db, 3, { from: SECOND + 37 });
    await createCheckpoint(app.services);
    expect(await requestCosignatures(app.services)).toContainEqual({ witness: newspaper.name, status: "cosigned" });
    expect(newspaper.requests.slice(-2).map((r) => [r.oldSize, r.status])).toEqual([
      [SECOND + 37, 409],
      [0, 200],
    ]);
  });

  it("that do not know the log refuse, and nothing is stored; the checkpoints document verifies every cosignature", async () => {
    const stranger = await startFakeWitness("stranger.example/witness", {});
    try {
      const before = await t.db.selectFrom("ledger_cosignatures").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      const services = { ...app.services, env: readEnv({ NODE_ENV: "test", LEDGER_WITNESSES: `${stranger.vkey} ${stranger.url}` }) };
      const [outcome] = await requestCosignatures(services);
      expect(outcome).toMatchObject({ witness: stranger.name, status: "refused", reason: expect.stringMatching(/HTTP 404: unknown log/) as unknown as string });
      const after = await t.db.selectFrom("ledger_cosignatures").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    } finally {
      await stranger.close();
    }
    const document = (await (await app.client().get("/api/v1/ledger/checkpoints")).json()) as CheckpointsDocument;
    expect(document.witnesses.map((w) => w.vkey)).toEqual([gwangsan.vkey, newspaper.vkey]);
    const check = checkCheckpointDocuments([{ source: "api", json: document }]);
    expect(check.problem).toBeNull();
    expect(check.claims.map((c) => [c.size, c.cosignedBy.length])).toEqual([
      [FIRST, 0],
      [SECOND, 2],
      [SECOND + 37, 2],
      [SECOND + 40, 2],
    ]);
  });

  it("have their cosignatures kept only for checkpoints that exist", async () => {
    const row = await t.db.selectFrom("ledger_cosignatures").selectAll().executeTakeFirstOrThrow();
    await expect(t.db.insertInto("ledger_cosignatures").values({ ...row, tree_size: 5, recorded_at: undefined }).execute()).rejects.toThrow(/no Merkle checkpoint of size 5/);
  });
});

describe("a mirror of the log", () => {
  const witnessKeys = () => [gwangsan, newspaper].map((w) => parseWitnessKey(w.vkey));

  it("verifies from the server, with its witnesses and the archived checkpoints", async () => {
    const document = (await (await app.client().get("/api/v1/ledger/checkpoints")).json()) as CheckpointsDocument;
    const archived = checkCheckpointDocuments([{ source: "archived.json", json: document }]).claims;
    const result = await verifyLog(logSource(`${app.url}/ledger`), app.services.ledgerSigner.publicKey, { witnesses: witnessKeys(), claims: archived });
    expect(result).toMatchObject({ ok: true, problem: null, size: SECOND + 40, entries: SECOND + 40, cosignedBy: [gwangsan.name, newspaper.name], checkpointsChecked: archived.length });
    expect(result.rootHash).toBe(MTH(await canonicalTexts(t.db)).toString("hex"));
  });

  it("verifies a copy in a directory, and names what was changed in it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hamkke-mirror-"));
    try {
      const copy = async (path: string) => {
        const response = await fetch(`${app.url}/ledger/${path}`);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), Buffer.from(await response.arrayBuffer()));
      };
      await copy("checkpoint");
      const size = SECOND + 40;
      for (const tile of tilesOfTree(size)) {
        await copy(tilePath(tile));
        if (tile.level === 0) await copy(tilePath(tile, "entries"));
      }
      const key = app.services.ledgerSigner.publicKey;
      expect(await verifyLog(logSource(dir), key)).toMatchObject({ ok: true, size });

      // An entry's amount changed in its bundle (same length): its leaf no longer matches the level 0 tile.
      const bundlePath = join(dir, tilePath({ level: 0, index: 1, width: 256 }, "entries"));
      const original = readFileSync(bundlePath);
      const changed = original.toString("latin1").replace(/"amount_won":-(\d)/, (_all, digit: string) => `"amount_won":-${digit === "9" ? "1" : Number(digit) + 1}`);
      writeFileSync(bundlePath, Buffer.from(changed, "latin1"));
      expect((await verifyLog(logSource(dir), key)).problem).toMatchObject({ reason: expect.stringMatching(/leaf hash in tile\/0\/001 is not the hash of the entry/) as unknown as string });
      writeFileSync(bundlePath, original);

      // A level 1 hash changed: it is no longer the root of the tile below.
      const upper = join(dir, tilePath({ level: 1, index: 0, width: 4 }));
      const hashes = readFileSync(upper);
      hashes[40]! ^= 1;
      writeFileSync(upper, hashes);
      expect((await verifyLog(logSource(dir), key)).problem).toEqual({ seq: 1, reason: "tile/1/000.p/4 is not made of the hashes of the tiles below it" });
      hashes[40]! ^= 1;
      writeFileSync(upper, hashes);

      // A tile missing, another key.
      rmSync(join(dir, tilePath({ level: 0, index: 2, width: 256 }, "entries")));
      expect((await verifyLog(logSource(dir), key)).problem).toEqual({ seq: 513, reason: "the log does not serve tile/entries/002" });
      expect((await verifyLog(logSource(dir), parseWitnessKey(newspaper.vkey).publicKey)).problem?.reason).toMatch(/no valid signature by key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is what npm run ledger:verify -- --log checks, exiting 0", async () => {
    const vkey = verifierKey(app.services.ledgerSigner.origin, app.services.ledgerSigner.publicKey);
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/verify-ledger.ts", "--log", `${app.url}/ledger`, "--key", vkey, "--witness", gwangsan.vkey], {
      cwd: resolve(import.meta.dirname, "../.."),
    });
    expect(stdout).toMatch(/^OK: 1,040 entries verified \(seq 1–1,040\)/m);
    expect(stdout).toContain(`Log: the checkpoint for 1,040 entries is signed by key ${app.services.ledgerSigner.keyId}; 6 tiles and their entry bundles match it`);
    expect(stdout).toContain(`Witnesses: cosigned by ${gwangsan.name}; every cosignature verified.`);
  });
});

describe("the stored tree", () => {
  it("is over entries no longer than an entry bundle can frame (16-bit lengths), which the database checks", async () => {
    const check = await sql<{ definition: string }>`
      SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = 'journal_entries'::regclass AND conname = 'journal_entries_canonical_fits_entry_bundle'`.execute(app.services.db);
    expect(check.rows.map((r) => r.definition)).toEqual(["CHECK ((octet_length(canonical) <= 65535))"]);
  });

  it("refuses a tile hash that is not the hash of the tile below, or covers entries the ledger lacks", async () => {
    await expect(t.db.insertInto("ledger_tile_hashes").values({ tile_level: 1, idx: 5, hash: Buffer.alloc(32) }).execute()).rejects.toThrow(/covers entries the ledger does not have yet/);
    await expect(
      sql`INSERT INTO ledger_tile_hashes (tile_level, idx, hash) SELECT 1, 0, hash FROM ledger_tile_hashes WHERE tile_level = 1 AND idx = 1`.execute(t.db),
    ).rejects.toThrow(/duplicate key|not the hash of the 256 below/);
    const fresh = await createTestDatabase();
    try {
      await writeLedger(fresh.db, 256);
      await expect(fresh.db.insertInto("ledger_tile_hashes").values({ tile_level: 1, idx: 0, hash: Buffer.alloc(32, 9) }).execute()).rejects.toThrow(/not the hash of the 256 below/);
    } finally {
      await fresh.drop();
    }
  });

  it("is verified from the entries, with the proofs the API serves, and a tile hash changed behind the triggers' back is named", async () => {
    expect(await verifyStoredTree(t.db)).toMatchObject({ problem: null, size: SECOND + 40, tileHashes: 4, consistencyProofs: 3 });
    expect((await verifyStoredCheckpoints(t.db, app.services.env)).problem).toBeNull();
    const fresh = await createTestDatabase();
    try {
      await writeLedger(fresh.db, 600);
      await createCheckpoint({ ...app.services, db: fresh.db });
      await fresh.owner.transaction().execute(async (trx) => {
        await sql`ALTER TABLE ledger_tile_hashes DISABLE TRIGGER USER`.execute(trx);
        await sql`UPDATE ledger_tile_hashes SET hash = sha256(hash) WHERE idx = 1`.execute(trx);
        await sql`ALTER TABLE ledger_tile_hashes ENABLE TRIGGER USER`.execute(trx);
      });
      expect((await verifyStoredTree(fresh.db)).problem).toEqual({ seq: 257, reason: "stored tile hash 1 of level 1 differs from the one the entries give" });
    } finally {
      await fresh.drop();
    }
  });

  it("grows in the sequencer's transaction for each batch, as the RFC's tree", async () => {
    const fresh = await createTestDatabase();
    try {
      let size = 0;
      for (const batch of [1, 254, 2, 300, 1]) {
        await fresh.db.transaction().execute((trx) =>
          appendEntries(
            trx,
            Array.from({ length: batch }, (_, i) => draftFor(size + i, new Date("2026-03-01T00:00:00Z"), 5).draft),
          ),
        );
        expect(await sequenceBatch(fresh.db)).toMatchObject({ firstSeq: size + 1 });
        size += batch;
      }
      const stored = await fresh.db.selectFrom("ledger_tile_hashes").select(["tile_level", "idx"]).execute();
      expect(stored.map((r) => `${r.tile_level}/${r.idx}`)).toEqual(["1/0", "1/1"]);
      const entries = await canonicalTexts(fresh.db);
      for (const n of [1, 255, 256, 257, 511, 512, 558]) expect((await merkleRoot(fresh.db, n)).equals(MTH(entries, 0, n))).toBe(true);
    } finally {
      await fresh.drop();
    }
  });

  it("reaches tile level 2 (65,536 entries) in the database, hashes checked by its triggers and its root function", async () => {
    const fresh = await createTestDatabase();
    const n = 65_537;
    try {
      // Only the tree is under test here: the journal rows are bulk-loaded with the journal's
      // triggers off (their chain hashes are not real); the tree's own triggers stay on.
      await fresh.owner.transaction().execute(async (trx) => {
        await sql`ALTER TABLE journal_entries DISABLE TRIGGER USER`.execute(trx);
        await sql`INSERT INTO journal_entries (seq, kind, occurred_at, canonical_before_seq, canonical_after_seq, leaf_hash, chain_hash)
          SELECT s, 'test.tree', now(), '{"seq":', ',"v":1}', sha256('\\x00'::bytea || convert_to('{"seq":' || s || ',"v":1}', 'UTF8')), sha256(''::bytea)
          FROM generate_series(1, ${sql.lit(n)}) AS s`.execute(trx);
        await sql`ALTER TABLE journal_entries ENABLE TRIGGER USER`.execute(trx);
      });
      const entries = Array.from({ length: n }, (_, i) => Buffer.from(`{"seq":${i + 1},"v":1}`));
      let size = 0;
      for (const batch of [300, 65_000, 236, 1]) {
        await fresh.db.transaction().execute(async (trx) => {
          const leaves = await trx.selectFrom("sequenced_entries").select("leaf_hash").where("seq", ">", size).where("seq", "<=", size + batch).orderBy("seq").execute();
          await extendMerkleTree(
            trx,
            size + 1,
            leaves.map((r) => r.leaf_hash),
          );
        });
        size += batch;
      }
      const levels = await fresh.db.selectFrom("ledger_tile_hashes").select(["tile_level", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("tile_level").orderBy("tile_level").execute();
      expect(levels.map((l) => [l.tile_level, Number(l.n)])).toEqual([
        [1, 256],
        [2, 1],
      ]);
      for (const at of [65_535, 65_536, 65_537]) {
        const expected = MTH(entries, 0, at);
        expect((await merkleRoot(fresh.db, at)).equals(expected)).toBe(true);
        const inDatabase = await sql<{ root: Buffer }>`SELECT ledger_merkle_root(${sql.lit(at)}) AS root`.execute(fresh.db);
        expect(inDatabase.rows[0]!.root.equals(expected)).toBe(true);
      }
      await expect(fresh.db.insertInto("ledger_tile_hashes").values({ tile_level: 2, idx: 0, hash: Buffer.alloc(32) }).execute()).rejects.toThrow(/not the hash of the 256 below|duplicate key/);
    } finally {
      await fresh.drop();
    }
  }, 120_000);
});

describe("the migration", () => {
  it("builds the tree of an existing ledger, keeps its chain-hash checkpoints, and they verify beside the new ones", async () => {
    const fresh = await createTestDatabase();
    const merkle = migrations["20261127_1801_merkle_tree"]!;
    try {
      await writeLedger(fresh.db, 600);
      // The database as it was before the Merkle tree, with a checkpoint signed over the chain hash.
      await merkle.down!(fresh.owner as unknown as Kysely<unknown>);
      const signer = app.services.ledgerSigner;
      const head = await fresh.db.selectFrom("ledger_head").select(["seq", "chain_hash"]).executeTakeFirstOrThrow();
      const note = `${signer.origin}\n${head.seq}\n${head.chain_hash.toString("base64")}\n`;
      await fresh.db.insertInto("ledger_signing_keys").values({ key_id: signer.keyId, key_name: signer.origin, public_key: signer.publicKey }).execute();
      await sql`INSERT INTO ledger_checkpoints (tree_size, origin, chain_hash, note, key_id, signature, signed_at)
        VALUES (${head.seq}, ${signer.origin}, ${head.chain_hash}, ${note}, ${signer.keyId}, ${sign(null, Buffer.from(note), signer.privateKey)}, now())`.execute(fresh.db);
      await merkle.up(fresh.owner as unknown as Kysely<unknown>);
      const tileHashes = await fresh.db.selectFrom("ledger_tile_hashes").select(["tile_level", "idx"]).orderBy("idx").execute();
      expect(tileHashes.map((r) => `${r.tile_level}/${r.idx}`)).toEqual(["1/0", "1/1"]);
      // A Merkle checkpoint of the same size as the chain one.
      expect(await createCheckpoint({ ...app.services, db: fresh.db })).toMatchObject({ size: 600 });
      const check = await verifyStoredCheckpoints(fresh.db, app.services.env);
      expect(check.problem).toBeNull();
      expect(check.claims.map((c) => `${c.size}:${c.kind}`)).toEqual(["600:chain", "600:merkle"]);
      expect(await verifyStoredTree(fresh.db)).toMatchObject({ problem: null, size: 600, tileHashes: 2 });
    } finally {
      await fresh.drop();
    }
  });
});
