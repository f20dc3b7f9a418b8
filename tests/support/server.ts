import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { freePort } from "../../db/embedded";
import { inject } from "vitest";
import { createDemoDatabase, createTestDatabase, type TestDatabase } from "./db";

export interface TestServer {
  url: string;
  database: TestDatabase;
  output(): string;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, "../..");

/**
 * The product as `npm start` runs it (scripts/start-server.ts: migrate, seed the demo data,
 * serve the built app), on a free port against a fresh test database.
 */
export async function startTestServer(extraEnv: Record<string, string> = {}, prepared?: TestDatabase): Promise<TestServer> {
  // Starting on a copy of what it would seed, the server's own seeding finds every row in place.
  const seeded = extraEnv.DEMO_DATA !== "off" && inject("demoSeededToday");
  const database = prepared ?? (await (seeded ? createDemoDatabase() : createTestDatabase()));
  const port = await freePort();
  const url = `http://localhost:${port}`;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start-server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_ORIGIN: url,
      DEMO_DATA: "on",
      DEV_TOOLS: "on",
      JOBS: "off",
      // One web process: a browser test needs no second one, and each costs a start on a 2-core machine.
      WEB_CONCURRENCY: "1",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));

  // A primary and its web processes, seeding, on a loaded machine: up to 2 minutes.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    database,
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      await database.drop();
    },
  };
}
