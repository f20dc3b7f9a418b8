import { sql, type RawBuilder } from "kysely";

// A group's rows go to PostgreSQL as one array per column (`unnest($1::bigint[], $2::text[], …)`)
// instead of a VALUES list (decision 89): the statement's text is then the same for one row or
// sixty-four, so a connection prepares it once and PostgreSQL parses it once. A VALUES list had a
// new text for every group size, parsed, described and planned again each time.

export type ColumnType = "bigint" | "integer" | "text" | "boolean" | "timestamptz" | "jsonb";

export type ColumnSpec = Record<string, ColumnType>;

/** One array per column, each element as its SQL array takes it. */
export type ColumnArrays<Spec extends ColumnSpec> = { [Column in keyof Spec]: (string | number | null)[] };

// Booleans, instants and JSON travel as text and are cast in SQL: postgres.js declares an array of
// booleans or dates as a single boolean or date, which PostgreSQL refuses to cast to an array.
const ARRAY_TYPES: Record<ColumnType, string> = {
  bigint: "bigint[]",
  integer: "integer[]",
  text: "text[]",
  boolean: "text[]::boolean[]",
  timestamptz: "text[]::timestamptz[]",
  jsonb: "text[]::jsonb[]",
};

function element(type: ColumnType, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "bigint":
    case "integer":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new Error(`not an integer: ${String(value)}`);
      return value;
    case "text":
      if (typeof value !== "string") throw new Error(`not text: ${String(value)}`);
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw new Error(`not a boolean: ${String(value)}`);
      return value ? "true" : "false";
    case "timestamptz":
      if (!(value instanceof Date)) throw new Error(`not an instant: ${String(value)}`);
      return value.toISOString();
    case "jsonb":
      return JSON.stringify(value);
  }
}

/** The rows' values column by column, in the columns' order. */
export function toColumnArrays<Spec extends ColumnSpec>(spec: Spec, rows: readonly { readonly [Column in keyof Spec]: unknown }[]): ColumnArrays<Spec> {
  const arrays = {} as ColumnArrays<Spec>;
  for (const [column, type] of Object.entries(spec) as [keyof Spec & string, ColumnType][]) arrays[column] = rows.map((row) => element(type, row[column]));
  return arrays;
}

/**
 * `unnest($1::bigint[], …) AS alias (column, …)`: the rows again, one per array index. `arrays` may be
 * a prepared query's placeholders (decision 88): each reaches the statement as one value.
 */
export function unnestColumns<Spec extends ColumnSpec>(spec: Spec, arrays: ColumnArrays<Spec>, alias: string): RawBuilder<unknown> {
  const columns = Object.keys(spec) as (keyof Spec & string)[];
  const parameters = columns.map((column) => sql`${arrays[column]}::${sql.raw(ARRAY_TYPES[spec[column]!])}`);
  return sql`unnest(${sql.join(parameters)}) AS ${sql.ref(alias)} (${sql.join(columns.map((column) => sql.ref(column)))})`;
}
