import { Kysely, type Transaction } from "kysely";
import { PostgresJSDialect, type PostgresJSDialectConfig } from "kysely-postgres-js";
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

/**
 * The Kysely dialect over a postgres.js pool. The dialect runs every query with `unsafe`, which
 * postgres.js does not prepare: each would be parsed, described and planned again, in a round trip
 * of its own before it runs. Here a parameterised statement is prepared on each connection the
 * first time and then only bound and executed.
 */
export function postgresDialect(client: PostgresClient): PostgresJSDialect {
  const preparing: PostgresJSDialectConfig["postgres"] = () => ({
    end: () => client.end(),
    reserve: async () => {
      const reserved = await client.reserve();
      return {
        release: () => reserved.release(),
        unsafe: (query: string, parameters: Parameters<PostgresClient["unsafe"]>[1] = []) => reserved.unsafe(query, parameters, { prepare: isPrepared(parameters) }),
      };
    },
  });
  return new PostgresJSDialect({ postgres: preparing });
}

export function createDatabase(url: string, options: ConnectOptions = {}): Database {
  return new Kysely<DB>({ dialect: postgresDialect(createPostgresClient(url, options)) });
}
