import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { initialModel, moneyCommands, resetInvariantCursor, withInvariants, type MoneyModel } from "./money-model";
import { createWorld, type FuzzCluster, type World } from "./world";

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Replays one shrunk case: fast-check's counterexample path and the commands' replay path. */
  path?: string;
  replayPath?: string;
  maxCommands?: number;
}

export interface FuzzOutcome {
  ok: boolean;
  runs: number;
  seed: number;
  path?: string;
  replayPath?: string;
  counterexample?: string;
  error?: string;
}

export const REGRESSIONS_FILE = resolve(import.meta.dirname, "regressions.json");

export interface RegressionCase {
  seed: number;
  path: string;
  replayPath?: string;
  maxCommands?: number;
  /** What went wrong and what fixed it. */
  note: string;
}

export function loadRegressions(): RegressionCase[] {
  return JSON.parse(readFileSync(REGRESSIONS_FILE, "utf8")) as RegressionCase[];
}

/** Runs the money fuzz: every run gets a fresh copy of the seeded database. */
export async function runMoneyFuzz(cluster: FuzzCluster, options: FuzzOptions): Promise<FuzzOutcome> {
  resetInvariantCursor();
  const commands = fc.commands(
    moneyCommands().map((arb) => arb.map(withInvariants)),
    { maxCommands: options.maxCommands ?? 40, size: "max", ...(options.replayPath ? { replayPath: options.replayPath } : {}) },
  );
  const property = fc.asyncProperty(commands, async (cmds) => {
    const world: World = await createWorld(cluster);
    try {
      await fc.asyncModelRun(async () => ({ model: initialModel(world) as MoneyModel, real: world }), cmds);
    } finally {
      await world.dispose();
    }
  });
  const details = await fc.check(property, { seed: options.seed, numRuns: options.runs, ...(options.path ? { path: options.path, endOnFailure: true } : {}) });
  if (!details.failed) return { ok: true, runs: details.numRuns, seed: options.seed };
  const counterexample = details.counterexample ? fc.stringify(details.counterexample[0]) : "";
  const replayPath = /replayPath="([^"]+)"/.exec(counterexample)?.[1];
  const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
  return { ok: false, runs: details.numRuns, seed: options.seed, path: details.counterexamplePath ?? undefined, replayPath, counterexample, error };
}

export function describeFailure(outcome: FuzzOutcome): string {
  const regression: RegressionCase = { seed: outcome.seed, path: outcome.path ?? "", ...(outcome.replayPath ? { replayPath: outcome.replayPath } : {}), note: "…" };
  return [
    `money fuzz FAILED (seed ${outcome.seed}, path ${outcome.path ?? "?"})`,
    `commands: ${outcome.counterexample ?? "?"}`,
    `error: ${outcome.error ?? "?"}`,
    `replay: npm run fuzz -- --seed ${outcome.seed} --path ${outcome.path ?? ""}${outcome.replayPath ? ` --replay-path ${outcome.replayPath}` : ""}`,
    `keep it as a regression case in tests/fuzz/regressions.json: ${JSON.stringify(regression)}`,
  ].join("\n");
}
