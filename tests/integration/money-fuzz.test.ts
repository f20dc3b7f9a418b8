import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { TEMPLATE_DATABASE } from "../support/constants";
import { describeFailure, loadRegressions, replayRegression, runMoneyFuzz } from "../fuzz/run";
import { prepareFuzzCluster, type FuzzCluster } from "../fuzz/world";

// R1, short tier: the money fuzz with a fixed seed, a few random seeds (printed) and every kept
// regression case. The long run is `npm run fuzz -- --runs N --seed S`.

const FIXED_SEED = 20_261_124;
let cluster: FuzzCluster;

beforeAll(async () => {
  cluster = await prepareFuzzCluster(inject("pgAdminUrl"), TEMPLATE_DATABASE);
});
afterAll(async () => {
  await cluster.dispose();
});

describe("money flows under random command sequences (R1)", () => {
  it("keep the model and the ledger in agreement for a fixed seed", { timeout: 120_000 }, async () => {
    const outcome = await runMoneyFuzz(cluster, { runs: 12, seed: FIXED_SEED });
    if (!outcome.ok) console.error(describeFailure(outcome));
    expect(outcome.ok).toBe(true);
  });

  it("keep them in agreement for a random seed", { timeout: 120_000 }, async () => {
    const seed = Number(process.env.FC_SEED) || Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] money fuzz: seed ${seed} (replay with npm run fuzz -- --seed ${seed})`);
    const outcome = await runMoneyFuzz(cluster, { runs: 8, seed });
    if (!outcome.ok) console.error(describeFailure(outcome));
    expect(outcome.ok).toBe(true);
  });

  it("replays every kept regression case", { timeout: 120_000 }, async () => {
    for (const regression of loadRegressions()) {
      const outcome = await replayRegression(cluster, regression);
      if (!outcome.ok) console.error(`${regression.note}\n${describeFailure(outcome)}`);
      expect(outcome.ok, regression.note).toBe(true);
    }
  });
});
