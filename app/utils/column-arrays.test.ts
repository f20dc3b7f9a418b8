import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { recordingDatabase } from "../../tests/support/recording-database";
import { toColumnArrays, unnestColumns, type ColumnArrays } from "./column-arrays";
import { preparedQuery } from "./prepared-query.server";

const SPEC = { id: "bigint", name: "text", open: "boolean", at: "timestamptz", props: "jsonb" } as const;

describe("rows as column arrays", () => {
  it("turn rows into one array per column, each value as its SQL array takes it", () => {
    const at = new Date(1_234_567_890_678);
    const arrays = toColumnArrays(SPEC, [
      { id: 1, name: 'a,"b', open: true, at, props: { text: "x\"y" } },
      { id: 2, name: null, open: false, at: null, props: null },
    ]);
    expect(arrays).toEqual({
      id: [1, 2],
      name: ['a,"b', null],
      open: ["true", "false"],
      at: [at.toISOString(), null],
      props: ['{"text":"x\\"y"}', null],
    });
  });

  it("refuse a value of the wrong kind instead of sending it", () => {
    expect(() => toColumnArrays({ id: "bigint" }, [{ id: "1" }])).toThrow("not an integer");
    expect(() => toColumnArrays({ open: "boolean" }, [{ open: "true" }])).toThrow("not a boolean");
    expect(() => toColumnArrays({ at: "timestamptz" }, [{ at: "2030-01-01" }])).toThrow("not an instant");
  });

  it("send the same statement text for one row and for many, each column one parameter", async () => {
    const { db, sent } = recordingDatabase();
    const insert = preparedQuery((k, values: ColumnArrays<typeof SPEC>) => sql`INSERT INTO t (id, name, open, at, props) SELECT * FROM ${unnestColumns(SPEC, values, "v")}`);
    const row = (id: number) => ({ id, name: `n${id}`, open: id % 2 === 0, at: new Date(id * 1000), props: { id } });
    await insert(db, toColumnArrays(SPEC, [row(1)]));
    await insert(db, toColumnArrays(SPEC, [1, 2, 3, 4, 5].map(row)));
    expect(sent).toHaveLength(2);
    expect(sent[1]?.sql).toBe(sent[0]?.sql);
    expect(sent[0]?.sql).toBe(
      'INSERT INTO t (id, name, open, at, props) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]::boolean[], $4::text[]::timestamptz[], $5::text[]::jsonb[]) AS "v" ("id", "name", "open", "at", "props")',
    );
    expect(sent[1]?.parameters[0]).toEqual([1, 2, 3, 4, 5]);
    expect(sent[1]?.parameters[2]).toEqual(["false", "true", "false", "true", "false"]);
  });
});
