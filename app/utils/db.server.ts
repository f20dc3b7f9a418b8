import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type Transaction,
  type TransactionSettings,
} from "kysely";
import postgres from "postgres";
import type { DB } from "../../db/types";
import { parseSafeInteger } from "./integers";

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
export type DbOrTx = Database | Tx;

/** The role every request runs as: it may read and append the ledger but never rewrite it. */
export const APP_ROLE = "hamkke_app";

const INT8_OID = 20;
const DATE_OID = 1082;

export interface ConnectOptions {
  /** Run as the restricted application role (the default for the app); migrations run as the owner. */
  asAppRole?: boolean;
  max?: number;
  /** Every transaction read-only: a replica's connection, which must never write. */
  readOnly?: boolean;
  /** What the server says besides results (NOTICE and below); dropped unless asked for. */
  onNotice?: (notice: postgres.Notice) => void;
}

export function createPostgresClient(url: string, options: ConnectOptions = {}) {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 5,
    // postgres.js waits up to 20 s between attempts once a restart has failed a few connections
    // (its count is the pool's), and a query or transaction bound to a reconnecting connection
    // waits with it. A second is gentle enough on a server that is coming back.
    backoff: (attempts: number) => (0.5 + Math.random() / 2) * Math.min(3 ** attempts / 100, 1),
    onnotice: options.onNotice ?? (() => {}),
    connection: {
      application_name: "hamkke-fund",
      TimeZone: "UTC",
      ...(options.asAppRole === false ? {} : { role: APP_ROLE }),
      ...(options.readOnly ? { default_transaction_read_only: true } : {}),
    },
    types: {
      // bigint columns hold won amounts and ids: numbers, refused if they ever leave the safe range.
      int8: {
        to: INT8_OID,
        from: [INT8_OID],
        serialize: (value: number | bigint | string) => String(value),
        parse: (value: string) => parseSafeInteger(value),
      },
      // Business dates stay calendar dates ("2016-01-25"), never shifted by a time zone.
      date: {
        to: DATE_OID,
        from: [DATE_OID],
        serialize: (value: string) => value,
        parse: (value: string) => value,
      },
    },
  });
}

/**
 * Statements with at most this many parameters are prepared once per connection (decision 76).
 * Longer ones are batches (lists of ids, many rows at once) whose text changes with their size,
 * and whose planning is a small part of their cost.
 */
export const MAX_PREPARED_PARAMETERS = 32;

export function isPrepared(parameters: readonly unknown[]): boolean {
  return parameters.length > 0 && parameters.length <= MAX_PREPARED_PARAMETERS;
}

type PostgresClient = ReturnType<typeof createPostgresClient>;
type ReservedClient = Awaited<ReturnType<PostgresClient["reserve"]>>;

/**
 * A query runs on the shared pool, where postgres.js sends queries issued together in one write
 * and, with every connection busy, queues them behind running ones; only a transaction takes a
 * connection for itself, from its BEGIN to its end (decision 79). So `db.connection()` gives no
 * session of its own here: state that must outlive one statement belongs in a transaction.
 */
class PoolConnection implements DatabaseConnection {
  #reserved: ReservedClient | null = null;

  constructor(private readonly client: PostgresClient) {}

  async begin(statement: string): Promise<void> {
    this.#reserved = await this.client.reserve();
    await this.executeQuery(CompiledQuery.raw(statement));
  }

  async commit(): Promise<void> {
    const { command } = await this.run(CompiledQuery.raw("commit"));
    // PostgreSQL answers COMMIT with ROLLBACK when an earlier statement failed and was caught.
    if (command === "ROLLBACK") throw new Error("the transaction was rolled back: a statement in it had failed");
  }

  private run(compiled: CompiledQuery) {
    // Parameterised statements are prepared once per connection (decision 76).
    const parameters = compiled.parameters as Parameters<PostgresClient["unsafe"]>[1];
    return (this.#reserved ?? this.client).unsafe(compiled.sql, parameters, { prepare: isPrepared(compiled.parameters) });
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.run(compiled);
    const { command, count } = result;
    const changes = command === "INSERT" || command === "UPDATE" || command === "DELETE" || command === "MERGE";
    return { rows: Array.from(result) as R[], ...(changes ? { numAffectedRows: BigInt(count) } : {}) };
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    for await (const rows of this.run(compiled).cursor(chunkSize)) yield { rows: Array.from(rows) as R[] };
  }

  release(): void {
    this.#reserved?.release();
    this.#reserved = null;
  }
}

class PostgresDriver implements Driver {
  constructor(private readonly client: PostgresClient) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PoolConnection(this.client);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : "";
    const access = settings.accessMode ? ` ${settings.accessMode}` : "";
    await (connection as PoolConnection).begin(`start transaction${isolation}${access}`);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PoolConnection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw("rollback"));
    } catch (error) {
      // Only PostgreSQL's own answer is news here. A connection that has closed took its
      // transaction with it, and the caller is better told why the transaction failed.
      if (error instanceof postgres.PostgresError) throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PoolConnection).release();
  }

  async destroy(): Promise<void> {
    await this.client.end();
  }
}

/** The Kysely dialect over a postgres.js pool. */
export function postgresDialect(client: PostgresClient): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PostgresDriver(client),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

export function createDatabase(url: string, options: ConnectOptions = {}): Database {
  return new Kysely<DB>({ dialect: postgresDialect(createPostgresClient(url, options)) });
}
