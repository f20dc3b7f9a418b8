import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { recordingDatabase } from "../../tests/support/recording-database";
import { createTestServices } from "../../tests/support/services";
import { getSessionUser, SESSION_COOKIE } from "./session.server";

/** Requests' load contexts over one database that counts the session lookups it is asked for. */
function server() {
  const { db, sent } = recordingDatabase();
  const services = createTestServices(db);
  const newContext = (): AppLoadContext => ({ services, clientIp: null, clientIsLocal: false, sharedRendering: false, publicReads: { reader: async () => db } });
  return { newContext, sessionLookups: () => sent.filter((s) => s.sql.includes('from "sessions"')).length };
}

const withCookie = (method = "GET") => new Request("http://localhost/account", { method, headers: { cookie: `${SESSION_COOKIE}=a-session-token` } });

describe("the signed-in user of a request", () => {
  it("is looked up once for all the loaders of a request, though each gets its own copy of it", async () => {
    const { newContext, sessionLookups } = server();
    const context = newContext();
    await Promise.all([getSessionUser(withCookie(), context), getSessionUser(withCookie(), context), getSessionUser(withCookie(), context)]);
    expect(sessionLookups()).toBe(1);
  });

  it("is looked up again for the loaders after an action, and for another request", async () => {
    const { newContext, sessionLookups } = server();
    const context = newContext();
    await getSessionUser(withCookie("POST"), context);
    await getSessionUser(withCookie(), context);
    await getSessionUser(withCookie(), newContext());
    expect(sessionLookups()).toBe(3);
  });

  it("is not looked up without a session cookie", async () => {
    const { newContext, sessionLookups } = server();
    expect(await getSessionUser(new Request("http://localhost/account"), newContext())).toBeNull();
    expect(sessionLookups()).toBe(0);
  });
});
