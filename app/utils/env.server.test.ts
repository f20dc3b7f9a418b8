import { describe, expect, it } from "vitest";
import { readEnv, startupChoices } from "./env.server";

const env = (values: Record<string, string>) => readEnv({ NODE_ENV: "test", ...values });

describe("startupChoices", () => {
  it("keeps the embedded demo on this machine, with its dev tools", () => {
    expect(startupChoices(env({}), true)).toEqual({ host: "127.0.0.1", localOnly: true, demoData: true, devTools: true, refusal: null });
  });

  it("turns dev tools off by default wherever the server is reachable from elsewhere", () => {
    expect(startupChoices(env({ HOST: "0.0.0.0", DEMO_PASSWORD: "our-own-demo-password" }), true)).toMatchObject({ localOnly: false, demoData: true, devTools: false, refusal: null });
    expect(startupChoices(env({}), false)).toMatchObject({ host: "0.0.0.0", demoData: false, devTools: false, refusal: null });
    // Asked for explicitly, they are on (and then only for this machine and platform admins).
    expect(startupChoices(env({ HOST: "0.0.0.0", DEV_TOOLS: "on", DEMO_DATA: "off" }), true)).toMatchObject({ devTools: true, refusal: null });
    expect(startupChoices(env({ HOST: "localhost" }), true)).toMatchObject({ localOnly: true, devTools: true });
  });

  it("refuses to serve demo data beyond this machine with the published password", () => {
    expect(startupChoices(env({ HOST: "0.0.0.0" }), true).refusal).toMatch(/DEMO_PASSWORD/);
    expect(startupChoices(env({ HOST: "192.168.0.10", DATABASE_URL: "postgres://x@db/hamkke", DEMO_DATA: "on" }), false).refusal).toMatch(/DEMO_PASSWORD/);
    expect(() => env({ DEMO_PASSWORD: "short" })).toThrow(/DEMO_PASSWORD/);
  });
});
