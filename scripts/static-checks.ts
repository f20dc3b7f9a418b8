import { spawn } from "node:child_process";

// Types and lint at once: each is mostly one thread, and CI has two cores.
const checks = [
  ["tsc", []],
  ["eslint", ["--config", "scripts/eslint.config.js", "--max-warnings", "0", "."]],
] as const;

const results = await Promise.all(
  checks.map(
    ([command, args]) =>
      new Promise<{ command: string; code: number }>((done) => {
        const child = spawn("npx", [command, ...args], { stdio: "inherit" });
        child.once("exit", (code) => done({ command, code: code ?? 1 }));
      }),
  ),
);
const failed = results.filter((r) => r.code !== 0);
for (const { command, code } of failed) console.error(`${command} failed (exit ${code})`);
process.exit(failed.length > 0 ? 1 : 0);
