import { createQueryId, type CompiledQuery } from "kysely";
import type { Database, DbOrTx } from "./db.server";

/** Where a named value goes in a prepared query: handed to the builder in place of the value. */
class Slot {
  constructor(readonly name: string) {}
}

interface Compiled {
  sql: string;
  query: CompiledQuery["query"];
  /** Each parameter: a value fixed by the query's shape, or the name of the value a call binds. */
  parameters: readonly (Slot | { fixed: unknown })[];
}

/**
 * A query whose text never changes, built and compiled by Kysely once (decision 88): each call
 * binds its values to the compiled statement. Building and compiling a query costs the web
 * process 0.1–0.4 ms, the whole of some requests' database work on the web side.
 *
 * `build` receives the values as named placeholders and may only hand them to the builder as
 * values (`where(column, "=", values.x)`, `values({ column: values.x })`): a value it computes
 * with would be fixed at the first call, so preparing refuses a placeholder that never reaches
 * the statement's parameters. A list goes as one array (`= ANY (${values.ids}::bigint[])`, or
 * rows as column arrays, decision 89), never spread into `in`.
 */
export function preparedQuery<Values extends Record<string, unknown>, Row>(build: (db: Database, values: Values) => { compile(executorProvider: Database): CompiledQuery<Row> }) {
  let compiled: Compiled | null = null;
  const prepare = (db: DbOrTx): Compiled => {
    const slots = new Map<string, Slot>();
    const placeholders = new Proxy({} as Values, {
      get: (_target, name) => {
        if (typeof name !== "string") throw new Error("a prepared query's values are named by strings");
        const slot = slots.get(name) ?? new Slot(name);
        slots.set(name, slot);
        return slot;
      },
    });
    // A transaction builds the same statements as the database it belongs to.
    // A raw statement (`sql`…``) compiles with the database given; a query builder has its own.
    const query = build(db as Database, placeholders).compile(db as Database);
    for (const slot of slots.values()) {
      if (!query.parameters.includes(slot)) throw new Error(`prepared query: "${slot.name}" must reach the query as a value, not be computed with`);
    }
    return { sql: query.sql, query: query.query, parameters: query.parameters.map((p) => (p instanceof Slot ? p : { fixed: p })) };
  };
  return async (db: DbOrTx, values: Values): Promise<Row[]> => {
    compiled ??= prepare(db);
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? values[p.name] : p.fixed));
    const result = await db.executeQuery<Row>({ sql: compiled.sql, query: compiled.query, parameters, queryId: createQueryId() });
    return result.rows;
  };
}
