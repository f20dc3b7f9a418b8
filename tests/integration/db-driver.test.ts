import { createServer, connect, type Server, type Socket } from "node:net";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toColumnArrays, unnestColumns, type ColumnArrays } from "../../app/utils/column-arrays";
import { createDatabase, type Database, type DbOrTx } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../support/db";

// The Kysely driver (decision 79): single queries share the pool's connections, a transaction has
// one connection to itself from BEGIN to its end.

let t: TestDatabase;
let db: Database;

beforeAll(async () => {
  t = await createTestDatabase();
  db = createDatabase(t.url, { max: 2, asAppRole: false });
});

afterAll(async () => {
  await db.destroy();
  await t.drop();
});

const backendPid = (on: DbOrTx) => sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(on).then((r) => r.rows[0]!.pid);

/** Two transactions that wait for each other: they end only if the pool gives them a connection each. */
async function twoTransactionsAtOnce(): Promise<Set<number>> {
  let arrived = 0;
  let bothIn = () => {};
  const waiting = new Promise<void>((resolve) => (bothIn = resolve));
  const pids = await Promise.all(
    [0, 1].map(() =>
      db.transaction().execute(async (trx) => {
        const pid = await backendPid(trx);
        if (++arrived === 2) bothIn();
        await waiting;
        return pid;
      }),
    ),
  );
  return new Set(pids);
}

/**
 * A TCP proxy to PostgreSQL that cuts its first two connections, one with a reset and one with a
 * plain close, when they send postgres.js's query for the array types: the query every connection
 * runs once, before its first request.
 */
async function proxyCuttingTheTypesQuery(target: URL): Promise<{ url: string; cuts: () => number; close: () => Promise<void> }> {
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let cut = false;
    client.on("data", (chunk) => {
      if (!cut && cuts < 2 && chunk.includes("typcategory")) {
        cut = true;
        upstream.destroy();
        if (cuts++ === 0) client.resetAndDestroy();
        else client.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.writable && client.write(chunk));
    for (const [socket, other] of [[client, upstream], [upstream, client]] as const) {
      socket.on("error", () => other.destroy());
      socket.on("close", () => (sockets.delete(socket), other.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return {
    url: url.toString(),
    cuts: () => cuts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("the database driver", () => {
  it("runs many more queries at once than it has connections, each answered with its own rows", async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => sql<{ n: number }>`SELECT ${i}::int AS n, pg_sleep(0.01)`.execute(db)));
    expect(answers.map((r) => r.rows[0]!.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const pids = new Set(await Promise.all(Array.from({ length: 20 }, () => backendPid(db))));
    expect(pids.size).toBeLessThanOrEqual(2);
  });

  it("keeps a transaction on one connection while other queries go on beside it", async () => {
    const seen = await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL application_name = 'driver-test'`.execute(trx);
      const pids = new Set<number>();
      for (let i = 0; i < 5; i++) {
        pids.add(await backendPid(trx));
        // A query outside the transaction is not held up by it, and does not see its settings.
        const outside = await sql<{ name: string }>`SELECT current_setting('application_name') AS name`.execute(db);
        expect(outside.rows[0]!.name).not.toBe("driver-test");
      }
      const inside = await sql<{ name: string }>`SELECT current_setting('application_name') AS name`.execute(trx);
      return { pids, name: inside.rows[0]!.name };
    });
    expect(seen.pids.size).toBe(1);
    expect(seen.name).toBe("driver-test");
  });

  it("reports rows changed, and rolls back what a failed transaction wrote", async () => {
    await sql`CREATE TABLE driver_probe (id int PRIMARY KEY)`.execute(db);
    const inserted = await sql`INSERT INTO driver_probe VALUES (1), (2)`.execute(db);
    expect(inserted.numAffectedRows).toBe(2n);
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`INSERT INTO driver_probe VALUES (3)`.execute(trx);
        await sql`INSERT INTO driver_probe VALUES (1)`.execute(trx);
      }),
    ).rejects.toThrow(/duplicate key/);
    const rows = await sql<{ id: number }>`SELECT id FROM driver_probe ORDER BY id`.execute(db);
    expect(rows.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it("refuses to report a commit PostgreSQL turned into a rollback", async () => {
    // A statement failed inside the transaction and its error was swallowed: nothing may look committed.
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`INSERT INTO driver_probe VALUES (4)`.execute(trx);
        await sql`SELECT 1 / 0`.execute(trx).catch(() => null);
      }),
    ).rejects.toThrow(/rolled back/);
    const rows = await sql<{ id: number }>`SELECT id FROM driver_probe WHERE id = 4`.execute(db);
    expect(rows.rows).toEqual([]);
  });

  it("fails a transaction whose connection is cut, with its own error, and goes on serving", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown) => unhandled.push(error);
    process.on("uncaughtException", onUnhandled);
    try {
      for (let round = 0; round < 3; round++) {
        const outcome = db.transaction().execute(async (trx) => {
          const pid = await backendPid(trx);
          // The backend ends under a running statement, as when the server restarts; the
          // transaction's ROLLBACK then goes to a connection that is gone (porsager/postgres#1208).
          // Both at once, so that whichever fails first is awaited already.
          await Promise.all([sql`SELECT pg_sleep(5)`.execute(trx), sql`SELECT pg_terminate_backend(${pid})`.execute(db)]);
        });
        await expect(outcome).rejects.toThrow(/ECONNRESET|CONNECTION_CLOSED|terminating connection/);
      }
      // The cut connections went back to the pool and reconnect: both serve again.
      expect((await twoTransactionsAtOnce()).size).toBe(2);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("uncaughtException", onUnhandled);
    }
  });

  it("tells the caller why a transaction failed, not that its rollback found the connection gone", async () => {
    const outcome = db.transaction().execute(async (trx) => {
      const pid = await backendPid(trx);
      await sql`SELECT pg_terminate_backend(${pid})`.execute(db);
      await sql`SELECT 1`.execute(trx).catch(() => null);
      throw new Error("the caller's own reason");
    });
    await expect(outcome).rejects.toThrow("the caller's own reason");
  });

  it("fails only the request whose new connection is cut while it fetches its types, and throws nothing", async () => {
    const proxy = await proxyCuttingTheTypesQuery(new URL(t.url));
    const viaProxy = createDatabase(proxy.url, { max: 2, asAppRole: false });
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown) => unhandled.push(error);
    process.on("unhandledRejection", onUnhandled);
    try {
      // The reset fails the request that opened the connection; after the plain close postgres.js
      // opens another connection for it, which serves it.
      const outcomes = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        outcomes.push(
          await sql<{ one: number }>`SELECT 1 AS one`
            .execute(viaProxy)
            .then((r) => (r.rows[0]?.one === 1 ? "served" : "wrong rows"))
            .catch((error: Error) => error.message),
        );
      }
      expect(outcomes[0]).toMatch(/ECONNRESET/);
      expect(outcomes.slice(1)).toEqual(["served", "served"]);
      expect(proxy.cuts()).toBe(2);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await viaProxy.destroy();
      await proxy.close();
    }
  });

  it("returns the connection after every transaction, committed or not", async () => {
    for (let i = 0; i < 10; i++) {
      await db.transaction().execute(async (trx) => sql`SELECT 1`.execute(trx));
      await db
        .transaction()
        .execute(async () => {
          throw new Error("given up");
        })
        .catch(() => null);
    }
    // With max 2, a leaked connection would leave these two transactions waiting forever.
    expect((await twoTransactionsAtOnce()).size).toBe(2);
  });

  it("carries rows as column arrays through PostgreSQL unchanged, prepared or not (decision 89)", async () => {
    const spec = { id: "bigint", name: "text", open: "boolean", at: "timestamptz", props: "jsonb" } as const;
    const at = new Date(1_234_567_890_123);
    const rows = [
      { id: 1, name: 'a,"b\\c{d}', open: true, at, props: { text: '따옴표 " 와 \\', list: [1, null] } },
      { id: 2, name: "NULL", open: false, at: null, props: null },
      { id: null, name: null, open: null, at, props: "text" },
    ];
    const back = async (arrays: ColumnArrays<typeof spec>) =>
      (
        await sql<{ id: number | null; name: string | null; open: boolean | null; at: Date | null; props: unknown }>`
          SELECT * FROM ${unnestColumns(spec, arrays, "v")}`.execute(db)
      ).rows;
    // Five parameters: a prepared statement (decision 76); the same again from its cache.
    for (let i = 0; i < 2; i++) expect(await back(toColumnArrays(spec, rows))).toEqual(rows);
  });
});

