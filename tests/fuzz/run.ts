import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { commandFromSpec, initialModel, matchingCommands, moneyCommands, resetInvariantCursor, verifyWholeLedger, withInvariants, type Cmd, type CommandSpec, type MoneyModel } from "./money-model";
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
  commands?: CommandSpec[];
  error?: string;
}

export const REGRESSIONS_FILE = resolve(import.meta.dirname, "regressions.json");

/**
 * A kept failing case: the shrunk commands themselves (so it replays the same steps even after
 * commands are added to the generator), with where it came from.
 */
export interface RegressionCase {
  /** What went wrong and what fixed it. */
  note: string;
  found: { seed: number; path: string };
  commands: CommandSpec[];
}

export function loadRegressions(): RegressionCase[] {
  return JSON.parse(readFileSync(REGRESSIONS_FILE, "utf8")) as RegressionCase[];
}

/** Runs the money fuzz: every run gets a fresh copy of the seeded database. */
export async function runMoneyFuzz(cluster: FuzzCluster, options: FuzzOptions): Promise<FuzzOutcome> {
  resetInvariantCursor();
  const commands = fc.commands(
    moneyCommands(matchingCommands()).map((arb) => arb.map(withInvariants)),
    { maxCommands: options.maxCommands ?? 40, size: "max", ...(options.replayPath ? { replayPath: options.replayPath } : {}) },
  );
  const property = fc.asyncProperty(commands, async (cmds) => {
    const world: World = await createWorld(cluster);
    try {
      await fc.asyncModelRun(async () => ({ model: initialModel(world) as MoneyModel, real: world }), cmds);
      await verifyWholeLedger(world);
    } finally {
      await world.dispose();
    }
  });
  const details = await fc.check(property, { seed: options.seed, numRuns: options.runs, ...(options.path ? { path: options.path, endOnFailure: true } : {}) });
  if (!details.failed) return { ok: true, runs: details.numRuns, seed: options.seed };
  const counterexample = details.counterexample ? fc.stringify(details.counterexample[0]) : "";
  // The commands that ran: fast-check wraps each (`cmd`, `hasRan`); skipped ones did not run.
  const wrapped = details.counterexample ? [...(details.counterexample[0] as Iterable<{ cmd: Cmd; hasRan: boolean }>)] : [];
  const ran = wrapped.filter((w) => w.hasRan).map((w) => w.cmd);
  const replayPath = /replayPath="([^"]+)"/.exec(counterexample)?.[1];
  const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
  return { ok: false, runs: details.numRuns, seed: options.seed, path: details.counterexamplePath ?? undefined, replayPath, counterexample, commands: ran.map((c) => c.spec()), error };
}

/** Replays a kept case step by step on a fresh world, with the invariants after every step. */
export async function replayRegression(cluster: FuzzCluster, regression: RegressionCase): Promise<FuzzOutcome> {
  resetInvariantCursor();
  const world = await createWorld(cluster);
  const model = initialModel(world);
  try {
    for (const spec of regression.commands) {
      const command = withInvariants(commandFromSpec(spec));
      if (command.check(model)) await command.run(model, world);
    }
    await verifyWholeLedger(world);
    return { ok: true, runs: 1, seed: regression.found.seed };
  } catch (error) {
    return { ok: false, runs: 1, seed: regression.found.seed, path: regression.found.path, commands: regression.commands, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    await world.dispose();
  }
}

export function describeFailure(outcome: FuzzOutcome): string {
  const regression: RegressionCase = { note: "…", found: { seed: outcome.seed, path: outcome.path ?? "" }, commands: outcome.commands ?? [] };
  return [
    `money fuzz FAILED (seed ${outcome.seed}, path ${outcome.path ?? "?"})`,
    `commands: ${outcome.counterexample ?? "?"}`,
    `error: ${outcome.error ?? "?"}`,
    `replay: npm run fuzz -- --seed ${outcome.seed} --path ${outcome.path ?? ""}${outcome.replayPath ? ` --replay-path ${outcome.replayPath}` : ""}`,
    `keep it as a regression case in tests/fuzz/regressions.json: ${JSON.stringify(regression)}`,
  ].join("\n");
}
