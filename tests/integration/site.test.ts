import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe("public pages", () => {
  it("serve the Korean home page with the demo contests and campaigns", async () => {
    const response = await app.client().get("/");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="ko"');
    expect(html).toContain("제1차 광산구 사회적경제 크라우드펀딩 콘테스트");
    expect(html).toContain("워킹맘의 일손돕기");
    expect(html).toContain("우리 동네 골목 놀이터");
    expect(html).toContain("전세점포임대 융자금");
  });

  it("switch to English with the language cookie", async () => {
    const client = app.client();
    client.useLocale("en");
    const html = await (await client.get("/")).text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain("Live campaigns");
  });

  it("never send NUL bytes inside Korean text (React 18's streaming renderer did, at 2 KiB boundaries)", async () => {
    for (const path of ["/", "/enterprises", "/campaigns", "/campaigns/demo-neighbourhood-playground", "/contests/gwangsan-2016-1", "/series/hospital-childcare", "/signup"]) {
      const body = await (await app.client().get(path)).text();
      expect(body.includes("\u0000"), path).toBe(false);
      expect(body.length, path).toBeGreaterThan(2048);
    }
  });

  it("answer /healthz", async () => {
    const response = await app.client().get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, db: "up" });
  });

  it("render 404 in both languages", async () => {
    const ko = await app.client().get("/no-such-page");
    expect(ko.status).toBe(404);
    expect(await ko.text()).toContain("페이지를 찾을 수 없습니다");
    const client = app.client();
    client.useLocale("en");
    const en = await client.get("/enterprises/999999");
    expect(en.status).toBe(404);
    expect(await en.text()).toContain("Page not found");
  });

  it("render 403 in both languages", async () => {
    const client = app.client();
    await client.logIn("citizen@hamkke.demo", "hamkke-demo-2026");
    const ko = await client.get("/admin/roles");
    expect(ko.status).toBe(403);
    expect(await ko.text()).toContain("접근 권한이 없습니다");
    client.useLocale("en");
    const en = await client.get("/staff");
    expect(en.status).toBe(403);
    expect(await en.text()).toContain("You do not have access");
  });

  it("treat malformed ids as not found, never a server error", async () => {
    for (const path of ["/enterprises/abc", "/enterprises/0", "/enterprises/99999999999999999999", "/dev/outbox/-1", "/campaigns/%E0%A4%A"]) {
      const response = await app.client().get(path);
      expect([400, 404]).toContain(response.status);
    }
  });

  it("filter the enterprise directory by type and area", async () => {
    const html = await (await app.client().get("/enterprises?type=self_sufficiency_enterprise")).text();
    expect(html).toContain("커피마루 운암점");
    expect(html).not.toContain("누럭놀이단");
    const seogu = await (await app.client().get(`/enterprises?area=${encodeURIComponent("광주 서구")}`)).text();
    expect(seogu).toContain("누럭놀이단");
    expect(seogu).not.toContain("커피마루 운암점");
  });
});
