import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery, type DatabaseConnection, type QueryResult } from "kysely";
import type { DB } from "../../db/types";

/** A database with no server: it records the statements it is given and answers each with no rows. */
export function recordingDatabase() {
  const sent: { sql: string; parameters: readonly unknown[] }[] = [];
  class RecordingDriver extends DummyDriver {
    override async acquireConnection(): Promise<DatabaseConnection> {
      return {
        executeQuery: async <R>(compiled: CompiledQuery): Promise<QueryResult<R>> => {
          sent.push({ sql: compiled.sql, parameters: compiled.parameters });
          return { rows: [] };
        },
        streamQuery: () => {
          throw new Error("not streamed here");
        },
      };
    }
  }
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new RecordingDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db, sent };
}
