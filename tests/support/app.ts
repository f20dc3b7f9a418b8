import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { PAGE_CACHE_SETTINGS } from "../../app/page-cache/page-cache.server";
import { createHttpApp } from "../../app/server/http-server";
import type { LoadLimits } from "../../app/server/load-shedding.server";
import type { PaymentProvider } from "../../app/payments/provider";
import type { Database } from "../../app/utils/db.server";
import { readEnv } from "../../app/utils/env.server";
import { createTestServices, type TestServices } from "./services";

export interface TestApp {
  url: string;
  services: TestServices;
  /** A new browser-like client; `headers` go with each of its requests (e.g. X-Forwarded-For). */
  client(headers?: Record<string, string>): TestClient;
  close(): Promise<void>;
}

let build: Promise<ServerBuild> | null = null;

/** The built Remix app served in-process on a free port, against a test database. */
export interface StartAppOptions {
  now?: string;
  payments?: (services: TestServices) => PaymentProvider;
  env?: Record<string, string>;
  limits?: LoadLimits;
  metricsToken?: string;
  /** Behind a proxy (TRUST_PROXY=on): clients name their address in X-Forwarded-For. */
  trustProxy?: boolean;
  /** The address to listen on (default 127.0.0.1). */
  host?: string;
  /** A read-only replica for anonymous public reads (the primary by default). */
  readDb?: Database;
}

export async function startApp(db: Database, options: StartAppOptions = {}): Promise<TestApp> {
  build ??= import(pathToFileURL(resolve(import.meta.dirname, "../../build/index.js")).href) as Promise<ServerBuild>;
  const services = createTestServices(db, options.now);
  if (options.env) services.env = readEnv({ NODE_ENV: "test", ...options.env });
  if (options.payments) services.payments = options.payments(services);
  if (options.readDb) services.readDb = options.readDb;
  const allowedOrigins: string[] = [];
  const app = createHttpApp({
    build: await build,
    services,
    assetsDir: resolve(import.meta.dirname, "../../build/public"),
    trustProxy: options.trustProxy ?? false,
    allowedOrigins,
    mode: "production",
    limits: options.limits ?? { concurrency: 64, queue: 256, queueTimeoutMs: 10_000 },
    metricsToken: options.metricsToken ?? null,
    // Strict: the data version read on every request and never a stale page, so a test sees its own writes at once.
    // The test clock stands still until a test moves it: its time is the clock's part of the version.
    pageCache: { ...PAGE_CACHE_SETTINGS, versionMaxAgeMs: 0, staleOnChangeMs: 0, clockVersion: () => String(services.clock.now().getTime()) },
  });
  const server = app.handler.listen(0, options.host ?? "127.0.0.1");
  await new Promise<void>((done) => server.once("listening", () => done()));
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  services.origin = url;
  // The app checks Origin against this list, filled once the port is known.
  allowedOrigins.push(url);
  return {
    url,
    services,
    client: (headers?: Record<string, string>) => new TestClient(url, headers),
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        // A test's half-sent raw request would otherwise hold the server open until Node's request timeout.
        server.closeAllConnections();
      }),
  };
}

export interface PostOptions {
  /** true (default): send the token from the cookie; false: omit it; a string: send that. */
  csrf?: boolean | string;
  /** Origin header; null to omit it. Defaults to the app's own origin. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/** A browser-like client: keeps cookies, does not follow redirects, sends forms. */
export class TestClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return [...this.cookies.entries()].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
  }

  private remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = decodeURIComponent(pair.slice(index + 1).trim());
      const expired = attributes.some((a) => /max-age=0$/i.test(a.trim()));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, { redirect: "manual", headers: { ...this.headers, Cookie: this.cookieHeader(), ...headers } });
    this.remember(response);
    return response;
  }

  /** The CSRF token a page would carry (loads the log-in page once to get the cookie: shared pages set none). */
  async csrfToken(): Promise<string> {
    if (!this.cookies.has("hf_csrf")) {
      const response = await this.get("/login");
      await response.arrayBuffer();
    }
    const token = this.cookies.get("hf_csrf");
    if (!token) throw new Error("no CSRF cookie was set");
    return token;
  }

  async post(path: string, fields: Record<string, string | string[]> = {}, options: PostOptions = {}): Promise<Response> {
    const body = new URLSearchParams();
    const csrf = options.csrf ?? true;
    if (csrf === true) body.set("csrf", await this.csrfToken());
    else if (typeof csrf === "string") body.set("csrf", csrf);
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    const origin = options.origin === undefined ? this.base : options.origin;
    const response = await fetch(`${this.base}${path}`, {
      method: "POST",
      redirect: "manual",
      body,
      headers: {
        ...this.headers,
        Cookie: this.cookieHeader(),
        "Content-Type": "application/x-www-form-urlencoded",
        ...(origin ? { Origin: origin } : {}),
        ...options.headers,
      },
    });
    this.remember(response);
    return response;
  }

  async logIn(email: string, password: string): Promise<Response> {
    const response = await this.post("/login", { email, password });
    await response.arrayBuffer();
    if (response.status !== 302) throw new Error(`log-in as ${email} failed with ${response.status}`);
    return response;
  }

  /** Sets the language cookie the switch sets. */
  useLocale(locale: "ko" | "en"): void {
    this.cookies.set("hf_lang", locale);
  }
}

/** A JSON POST as a script on our own origin sends it: Origin, cookies and the CSRF header. */
export async function postJson(client: TestClient, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const token = await client.csrfToken();
  const cookie = [...client.cookies.entries()].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
  return fetch(`${client.base}${path}`, {
    method: "POST",
    redirect: "manual",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Origin: client.base, Cookie: cookie, "X-CSRF-Token": token, ...headers },
  });
}
