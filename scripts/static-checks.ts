import { spawn } from "node:child_process";

// Types and lint at once: each is mostly one thread, and CI has two cores. Types are checked by
// TypeScript 7, the native compiler (README decision 69); typescript-eslint still loads TypeScript 5.
// The commands are package.json's `typecheck` and `lint` scripts.
const checks = ["typecheck", "lint"] as const;

const results = await Promise.all(
  checks.map(
    (name) =>
      new Promise<{ name: string; code: number }>((done) => {
        const child = spawn("npm", ["run", "--silent", name], { stdio: "inherit" });
        child.once("exit", (code) => done({ name, code: code ?? 1 }));
      }),
  ),
);
const failed = results.filter((r) => r.code !== 0);
for (const { name, code } of failed) console.error(`${name} failed (exit ${code})`);
process.exit(failed.length > 0 ? 1 : 0);
