import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addBudgetLine, createCampaign } from "../../app/campaigns/campaigns.server";
import { storeUpload } from "../../app/files/files.server";
import { startLoanOnlinePayment } from "../../app/loans/online-payments.server";
import { assignJuror } from "../../app/contests/setup.server";
import { createPledge } from "../../app/pledges/pledges.server";
import { demoPdf } from "../../db/seed/fund-demo";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { seoulDateAfter } from "../support/dates";
import { createDemoDatabase, databaseDigest, type TestDatabase } from "../support/db";
import { routeManifest } from "../support/routes";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";

// S5: every route of the manifest with a URL parameter is classified below. Private object routes
// are requested (GET, and POST where there is an action) by people who may not see the object: an
// anonymous visitor, an ordinary user, a member of another enterprise and staff of another host.
// Each must get 403/404 (anonymous: sent to log in), see none of the object's private text, and
// change nothing. The owner's own request is the control that the URL is the right one.

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

async function routePatterns(): Promise<{ pattern: string; hasAction: boolean }[]> {
  return (await routeManifest()).filter((r) => r.pattern.includes(":"));
}

/** Every business table, hashed: equal before and after means nothing was written. */
function snapshot(): Promise<string> {
  return databaseDigest(t.owner, ["sessions", "login_failures", "app_clock"]);
}

type Persona = "anonymous" | "citizen@" | "play@" | "coop@" | "jahwal@" | "chan@" | "fund1@" | "operator@" | "operator2@" | "juror1@" | "juror2@" | "consultant@" | "seogu-team5@";

interface PrivateRoute {
  url: string;
  owner: Exclude<Persona, "anonymous">;
  /** What the owner gets when it is not 200, and why: a success (2xx/3xx), never a refusal. */
  ownerStatus?: { status: number; why: string };
  outsiders: Persona[];
  /** Text only the owner's page shows. */
  secret?: string;
}

type Classification = { kind: "private"; route: PrivateRoute } | { kind: "public" | "token" | "dev-tool"; why: string };

const clients = new Map<Persona, TestClient>();
async function as(persona: Persona): Promise<TestClient> {
  const known = clients.get(persona);
  if (known) return known;
  const client = app.client();
  if (persona !== "anonymous") await client.logIn(`${persona}hamkke.demo`, DEMO_PASSWORD);
  clients.set(persona, client);
  return client;
}

describe("object-level access over every object route (S5)", () => {
  it("refuses every private object route to everyone but its owner, reads and writes", { timeout: 240_000 }, async () => {
    const coop = await enterpriseId(t, "함께 크는 나무 협동조합");
    const chan = await enterpriseId(t, "찬찬찬");
    const jahwal = await enterpriseId(t, "커피마루 운암점");
    const coopOwner = await userId(t, "coop@hamkke.demo");
    const now = new Date("2026-11-24T03:00:00Z");

    // A draft campaign of coop's with private text, a pledge of the citizen's with a private message.
    const draft = await createCampaign(t.db, {
      enterpriseId: coop,
      userId: coopOwner,
      now,
      basics: { title: "비공개 초안 IDOR-DRAFT-7Q", summary: "요약", story: "IDOR-DRAFT-7Q", goal: 100_000, fundingModel: "all_or_nothing", startsOn: seoulDateAfter(now, 7), endsOn: seoulDateAfter(now, 26) },
    });
    await addBudgetLine(t.db, draft.id, { name: "재료비", amount: 100_000, required: true });
    const live = await t.db.selectFrom("campaigns").select(["id", "slug"]).where("slug", "=", "demo-local-food-cafe").executeTakeFirstOrThrow();
    const succeeded = await t.db.selectFrom("campaigns").select(["id", "slug"]).where("slug", "=", "gwangsan-2016-sharing-memories").executeTakeFirstOrThrow();
    const pledge = await createPledge(app.services, {
      backerId: await userId(t, "citizen@hamkke.demo"),
      campaignId: live.id,
      data: { amount: 12_000, kind: "sponsorship", rewardId: null, message: "IDOR-PLEDGE-3K", nameDisplay: "masked", backerKind: "individual", companyName: "", businessNumber: null, idempotencyKey: "idor-sweep-pledge-1" },
    });
    const application = await t.db.selectFrom("contest_applications").select(["id", "title", "contest_id"]).where("enterprise_id", "=", coop).executeTakeFirstOrThrow();
    const gwangsanContest = application.contest_id;
    // The jury route's owner: juror 1 sits on this contest's jury (juror 2, a juror of the same
    // host, does not). The peer route's owner: 누럭놀이단 applied to Seo-gu's pitch contest, which
    // has peer review; another team of that contest (seogu-team5@) must not open its sheet.
    await assignJuror(t.db, gwangsanContest, await userId(t, "juror1@hamkke.demo"), await userId(t, "admin@hamkke.demo"), now);
    const peerApplication = await t.db
      .selectFrom("contest_applications")
      .innerJoin("contests", "contests.id", "contest_applications.contest_id")
      .select(["contest_applications.id", "contest_applications.title"])
      .where("contests.slug", "=", "seogu-2017")
      .where("contest_applications.enterprise_id", "=", await enterpriseId(t, "누럭놀이단"))
      .executeTakeFirstOrThrow();
    const fund = await t.db.selectFrom("funds").select("id").executeTakeFirstOrThrow();
    const chanLoan = await t.db.selectFrom("loans").select(["id", "application_id", "store_address"]).where("enterprise_id", "=", chan).executeTakeFirstOrThrow();
    const chanPayment = await startLoanOnlinePayment(app.services, { loanId: chanLoan.id, userId: await userId(t, "chan@hamkke.demo") });
    const chanPayPath = `/enterprises/${chan}/loans/${chanLoan.id}/pay`;
    const jahwalHost = await t.db.selectFrom("enterprises").select("host_id").where("id", "=", jahwal).executeTakeFirstOrThrow();
    const privateFile = await storeUpload(t.db, app.services.fileStore, new File([demoPdf("business_plan")], "plan.pdf", { type: "application/pdf" }), "document", {
      purpose: "loan_document",
      enterpriseId: jahwal,
      hostId: jahwalHost.host_id,
      uploadedBy: await userId(t, "jahwal@hamkke.demo"),
    });

    const outsidersOfCoop: Persona[] = ["anonymous", "citizen@", "play@", "fund1@"];
    const outsidersOfChan: Persona[] = ["anonymous", "citizen@", "jahwal@", "operator@"];
    const outsidersOfGwangsanStaff: Persona[] = ["anonymous", "citizen@", "coop@", "fund1@"];
    const outsidersOfFund: Persona[] = ["anonymous", "citizen@", "chan@", "operator@"];

    const table: Record<string, Classification> = {
      "/api/v1/campaigns/:slug": { kind: "public", why: "a public campaign's open data (drafts: checked below)" },
      "/api/v1/campaigns/:slug/budget.csv": { kind: "public", why: "a public campaign's budget (drafts: checked below)" },
      "/api/v1/campaigns/:slug/summary.csv": { kind: "public", why: "a public campaign's totals (drafts: checked below)" },
      "/api/v1/campaigns/:slug/pledges": { kind: "public", why: "anyone logged in may pledge to a live campaign (drafts: checked below)" },
      "/applications/:id": { kind: "private", route: { url: `/applications/${application.id}`, owner: "coop@", outsiders: outsidersOfCoop, secret: application.title } },
      "/applications/:id/peer": {
        kind: "private",
        route: { url: `/applications/${peerApplication.id}/peer`, owner: "play@", outsiders: ["anonymous", "citizen@", "coop@", "seogu-team5@", "juror1@", "operator@", "fund1@"], secret: peerApplication.title },
      },
      "/campaigns/:slug": { kind: "public", why: "public once approved (drafts: checked below)" },
      "/campaigns/:slug/edit": { kind: "private", route: { url: `/campaigns/${draft.slug}/edit`, owner: "coop@", outsiders: outsidersOfCoop, secret: "IDOR-DRAFT-7Q" } },
      "/campaigns/:slug/pledge": { kind: "public", why: "the pledge form of a live campaign (drafts: checked below)" },
      "/campaigns/:slug/report": { kind: "private", route: { url: `/campaigns/${succeeded.slug}/report`, owner: "coop@", outsiders: ["anonymous", "citizen@", "play@", "fund1@"] } },
      "/campaigns/:slug/spending": { kind: "public", why: "published spending; private receipts only for insiders (drafts: checked below)" },
      "/contests/:slug": { kind: "public", why: "published contests" },
      "/contests/:slug/matching": { kind: "public", why: "a published round's matching pool and rules are public" },
      "/contests/:slug/results": { kind: "public", why: "a published round's results, computed from the public ledger" },
      "/contests/:slug/results.csv": { kind: "public", why: "the same results as open data" },
      "/contests/:slug/report": { kind: "public", why: "the printable programme report of the public results" },
      "/grants/:id": { kind: "public", why: "grant awards and paid grant spending are public; receipts only for insiders (as campaign spending)" },
      "/consulting/:slug": { kind: "private", route: { url: "/consulting/gwangsan-demo-consulting", owner: "consultant@", outsiders: ["anonymous", "citizen@", "fund1@", "play@"] } },
      "/contests/:slug/apply": { kind: "public", why: "any member applies for its own enterprise (the enterprise id is checked in the action)" },
      "/demo-pay/:intentId": { kind: "token", why: "the demo provider's approval page, like Stripe's redirect page: the intent id (96 random bits) is the key (unknown ids: checked below)" },
      "/dev/outbox/:id": { kind: "dev-tool", why: "dev tools are off in production (404, tested in security.test.ts)" },
      "/enterprises/:id": { kind: "public", why: "verified enterprises are public (pending ones: tested in security.test.ts)" },
      "/enterprises/:id/campaigns/new": { kind: "private", route: { url: `/enterprises/${coop}/campaigns/new`, owner: "coop@", outsiders: outsidersOfCoop } },
      "/enterprises/:id/edit": { kind: "private", route: { url: `/enterprises/${coop}/edit`, owner: "coop@", outsiders: outsidersOfCoop } },
      "/enterprises/:id/loans": { kind: "private", route: { url: `/enterprises/${chan}/loans`, owner: "chan@", outsiders: outsidersOfChan } },
      "/enterprises/:id/loans/:loanId": { kind: "private", route: { url: `/enterprises/${chan}/loans/${chanLoan.id}`, owner: "chan@", outsiders: outsidersOfChan, secret: chanLoan.store_address } },
      "/enterprises/:id/loans/:loanId/pay": { kind: "private", route: { url: chanPayPath, owner: "chan@", outsiders: outsidersOfChan } },
      "/enterprises/:id/loans/:loanId/pay/authenticate": { kind: "private", route: { url: `${chanPayPath}/authenticate?payment=${chanPayment.publicId}`, owner: "chan@", outsiders: outsidersOfChan } },
      "/enterprises/:id/loans/:loanId/pay/return": {
        kind: "private",
        route: { url: `${chanPayPath}/return?payment=${chanPayment.publicId}`, owner: "chan@", ownerStatus: { status: 302, why: "it applies the payment and sends the member back to the loan" }, outsiders: outsidersOfChan },
      },
      "/enterprises/:id/loans/applications/:applicationId": {
        kind: "private",
        route: { url: `/enterprises/${chan}/loans/applications/${chanLoan.application_id}`, owner: "chan@", outsiders: outsidersOfChan, secret: chanLoan.store_address },
      },
      "/enterprises/:id/loans/new": { kind: "private", route: { url: `/enterprises/${jahwal}/loans/new`, owner: "jahwal@", outsiders: ["anonymous", "citizen@", "chan@", "operator@"] } },
      "/enterprises/:id/members": { kind: "private", route: { url: `/enterprises/${coop}/members`, owner: "coop@", outsiders: outsidersOfCoop, secret: "coop@hamkke.demo" } },
      "/files/:publicId": { kind: "private", route: { url: `/files/${privateFile.publicId}`, owner: "jahwal@", outsiders: ["anonymous", "citizen@", "chan@", "operator@"] } },
      "/fund/:slug": { kind: "public", why: "the fund's public page" },
      "/hosts/:key": { kind: "public", why: "a host's public page: its published calls and funds" },
      "/invitations/:token": { kind: "token", why: "a 256-bit token is the key (unknown tokens: checked below)" },
      "/jury/applications/:id": {
        kind: "private",
        route: { url: `/jury/applications/${application.id}`, owner: "juror1@", outsiders: ["anonymous", "citizen@", "coop@", "juror2@", "operator@", "fund1@"], secret: application.title },
      },
      "/ledger/accounts/:code": { kind: "public", why: "the public ledger" },
      "/ledger/entries/:seq": { kind: "public", why: "the public ledger" },
      "/pledges/:publicId": { kind: "private", route: { url: `/pledges/${pledge.publicId}`, owner: "citizen@", outsiders: ["anonymous", "play@", "operator2@", "fund1@"], secret: "12,000" } },
      "/pledges/:publicId/authenticate": { kind: "private", route: { url: `/pledges/${pledge.publicId}/authenticate`, owner: "citizen@", outsiders: ["anonymous", "play@", "operator2@", "fund1@"] } },
      "/pledges/:publicId/pay": { kind: "private", route: { url: `/pledges/${pledge.publicId}/pay`, owner: "citizen@", outsiders: ["anonymous", "play@", "operator2@", "fund1@"] } },
      "/pledges/:publicId/return": { kind: "private", route: { url: `/pledges/${pledge.publicId}/return`, owner: "citizen@", ownerStatus: { status: 302, why: "returns to the pledge page" }, outsiders: ["anonymous", "play@", "operator2@", "fund1@"] } },
      "/series/:slug": { kind: "public", why: "published series" },
      "/staff/campaigns/:id": { kind: "private", route: { url: `/staff/campaigns/${succeeded.id}`, owner: "operator@", outsiders: [...outsidersOfGwangsanStaff, "juror1@"] } },
      "/staff/contests/:id": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}`, owner: "operator@", outsiders: outsidersOfGwangsanStaff } },
      "/staff/contests/:id/applications": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/applications`, owner: "operator@", outsiders: outsidersOfGwangsanStaff, secret: application.title } },
      "/staff/contests/:id/events": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/events`, owner: "operator@", outsiders: outsidersOfGwangsanStaff } },
      "/staff/contests/:id/jury": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/jury`, owner: "operator@", outsiders: outsidersOfGwangsanStaff } },
      "/staff/contests/:id/matching": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/matching`, owner: "operator@", outsiders: [...outsidersOfGwangsanStaff, "juror1@"] } },
      "/staff/contests/:id/matching/simulate": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/matching/simulate`, owner: "operator@", outsiders: [...outsidersOfGwangsanStaff, "juror1@"] } },
      "/staff/contests/:id/round": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/round`, owner: "operator@", outsiders: outsidersOfGwangsanStaff } },
      "/staff/contests/:id/grants": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/grants`, owner: "operator@", outsiders: outsidersOfGwangsanStaff } },
      "/staff/contests/:id/scores.csv": { kind: "private", route: { url: `/staff/contests/${gwangsanContest}/scores.csv`, owner: "operator@", outsiders: outsidersOfGwangsanStaff } },
      "/staff/fund/:fundId": { kind: "private", route: { url: `/staff/fund/${fund.id}`, owner: "fund1@", outsiders: outsidersOfFund } },
      "/staff/fund/:fundId/applications": { kind: "private", route: { url: `/staff/fund/${fund.id}/applications`, owner: "fund1@", outsiders: outsidersOfFund } },
      "/staff/fund/:fundId/approvals": { kind: "private", route: { url: `/staff/fund/${fund.id}/approvals`, owner: "fund1@", outsiders: outsidersOfFund } },
      "/staff/fund/:fundId/applications/:applicationId": {
        kind: "private",
        route: { url: `/staff/fund/${fund.id}/applications/${chanLoan.application_id}`, owner: "fund1@", outsiders: ["anonymous", "citizen@", "operator@", "jahwal@"], secret: chanLoan.store_address },
      },
      "/staff/fund/:fundId/loans/:loanId": { kind: "private", route: { url: `/staff/fund/${fund.id}/loans/${chanLoan.id}`, owner: "fund1@", outsiders: ["anonymous", "citizen@", "operator@", "jahwal@"], secret: chanLoan.store_address } },
      "/staff/fund/:fundId/portfolio": { kind: "private", route: { url: `/staff/fund/${fund.id}/portfolio`, owner: "fund1@", outsiders: outsidersOfFund } },
      "/staff/fund/:fundId/portfolio.csv": { kind: "private", route: { url: `/staff/fund/${fund.id}/portfolio.csv`, owner: "fund1@", outsiders: outsidersOfFund } },
      "/staff/fund/:fundId/products": { kind: "private", route: { url: `/staff/fund/${fund.id}/products`, owner: "fund1@", outsiders: outsidersOfFund } },
    };

    const routes = await routePatterns();
    const unclassified = routes.map((r) => r.pattern).filter((p) => !(p in table));
    expect(unclassified, "object routes missing from the IDOR table: classify them").toEqual([]);

    const problems: string[] = [];
    const privateRoutes = routes.flatMap(({ pattern, hasAction }) => {
      const entry = table[pattern];
      return entry?.kind === "private" ? [{ ...entry.route, hasAction }] : [];
    });
    // Controls first (an owner's visit may legitimately write, e.g. a payment intent for the pay page).
    for (const { url, owner, secret, ownerStatus } of privateRoutes) {
      // A control the owner is refused proves nothing about the URL: the outsiders' 404 could be the same 404.
      if (ownerStatus && ownerStatus.status >= 400) problems.push(`${url}: the owner control expects ${ownerStatus.status}; give the route an owner who may use it`);
      const own = await (await as(owner)).get(url);
      const ownBody = await own.text();
      if (own.status !== (ownerStatus?.status ?? 200)) problems.push(`${url}: the owner ${owner} gets ${own.status} (the URL is wrong or access is too tight)`);
      if (secret && !ownBody.includes(secret)) problems.push(`${url}: the owner's page lacks the marker ${secret}`);
    }
    const before = await snapshot();
    for (const { url, outsiders, secret, hasAction } of privateRoutes) {
      for (const persona of outsiders) {
        const client = await as(persona);
        const response = await client.get(url);
        const body = await response.text();
        const allowed = persona === "anonymous" ? [302, 403, 404] : [403, 404];
        if (!allowed.includes(response.status)) problems.push(`GET ${url} as ${persona}: ${response.status}`);
        if (persona === "anonymous" && response.status === 302 && !response.headers.get("Location")?.startsWith("/login")) problems.push(`GET ${url} as anonymous redirects to ${response.headers.get("Location")}`);
        if (secret && body.includes(secret)) problems.push(`GET ${url} as ${persona} shows ${secret}`);
        if (hasAction) {
          const post = await client.post(url, { intent: "approve", decision: "approve", amount: "1000", amountWon: "1000", email: "x@example.com", role: "owner" });
          const postBody = await post.text();
          // 405: a layout route without an action answers no POST at all.
          if (![...allowed, 405].includes(post.status)) problems.push(`POST ${url} as ${persona}: ${post.status}`);
          if (secret && postBody.includes(secret)) problems.push(`POST ${url} as ${persona} shows ${secret}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it("hides drafts behind the public campaign routes and unknown tokens", async () => {
    const coop = await enterpriseId(t, "함께 크는 나무 협동조합");
    const draft = await t.db.selectFrom("campaigns").select("slug").where("enterprise_id", "=", coop).where("state", "=", "draft").executeTakeFirstOrThrow();
    const stranger = await as("play@");
    for (const path of [`/campaigns/${draft.slug}`, `/campaigns/${draft.slug}/spending`, `/campaigns/${draft.slug}/pledge`, `/api/v1/campaigns/${draft.slug}`, `/api/v1/campaigns/${draft.slug}/budget.csv`, `/api/v1/campaigns/${draft.slug}/summary.csv`]) {
      const response = await stranger.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain("IDOR-DRAFT-7Q");
    }
    expect((await stranger.get(`/invitations/${"x".repeat(43)}`)).status).toBe(404);
    expect((await stranger.get(`/demo-pay/seti_demo_${"x".repeat(16)}`)).status).toBe(404);
    expect((await stranger.post(`/demo-pay/pi_demo_${"x".repeat(16)}`, { decision: "approve" })).status).toBe(404);
  });
});
