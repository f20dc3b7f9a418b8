import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { DB } from "../../db/types";
import { recordingDatabase } from "../../tests/support/recording-database";
import { preparedQuery } from "./prepared-query.server";

const sessionQuery = (db: Kysely<DB>, values: { tokenHash: string; now: Date }) =>
  db
    .selectFrom("sessions")
    .select(["sessions.id", "sessions.user_id"])
    .where("sessions.id", "=", values.tokenHash)
    .where("sessions.revoked_at", "is", null)
    .where("sessions.expires_at", ">", values.now)
    .where("sessions.created_at", "<", values.now)
    .limit(1);

describe("prepared queries", () => {
  it("send what the builder would send, with each call's values in their places", async () => {
    const { db, sent } = recordingDatabase();
    const find = preparedQuery(sessionQuery);
    const first = { tokenHash: "hash-1", now: new Date(1_000) };
    const second = { tokenHash: "hash-2", now: new Date(2_000) };
    await find(db, first);
    await find(db, second);
    const built = [sessionQuery(db, first).compile(), sessionQuery(db, second).compile()];
    expect(sent).toEqual(built.map((q) => ({ sql: q.sql, parameters: q.parameters })));
    // The limit is part of the shape: it stays as the first call's builder fixed it.
    expect(sent[1]?.parameters).toEqual(["hash-2", new Date(2_000), new Date(2_000), 1]);
  });

  it("refuse a value the builder computes with instead of passing on", async () => {
    const { db, sent } = recordingDatabase();
    const find = preparedQuery((k, values: { email: string }) => k.selectFrom("users").select("id").where("email", "=", String(values.email).toLowerCase()));
    await expect(find(db, { email: "A@B.KR" })).rejects.toThrow('"email" must reach the query as a value');
    expect(sent).toEqual([]);
  });

  it("run in a transaction as on the database", async () => {
    const { db, sent } = recordingDatabase();
    const find = preparedQuery(sessionQuery);
    await db.transaction().execute((tx) => find(tx, { tokenHash: "in-tx", now: new Date(3_000) }));
    expect(sent.map((s) => s.parameters[0])).toContain("in-tx");
  });
});
