import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// Runs the whole test command with this machine's clock moved forward (default 400 days) for the
// application, the embedded PostgreSQL and Chromium alike, through Debian's libfaketime: proof that
// no test depends on the day it runs. `npm run test:time-travel -- --days 1000` for another offset.

const FAKETIME = "/usr/bin/faketime";
const daysArgument = process.argv.indexOf("--days");
const days = daysArgument === -1 ? 400 : Number(process.argv[daysArgument + 1]);
if (!Number.isSafeInteger(days) || days < 1) {
  console.error("Usage: npm run test:time-travel [-- --days N]   (N: a whole number of days ≥ 1)");
  process.exit(2);
}

if (!existsSync(FAKETIME)) {
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    console.error(`No ${FAKETIME}. Install Debian's libfaketime with: sudo apt-get install -y faketime`);
    process.exit(2);
  }
  console.log("Installing Debian's faketime (apt-get install faketime)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "faketime"], { stdio: "inherit", env });
}

const movedTo = new Date(Date.now() + days * 86_400_000).toISOString();
console.log(`Running npm test with the clock moved ${days} days forward (now ≈ ${movedTo})`);
const started = Date.now();
const run = spawnSync(FAKETIME, ["-f", `+${days}d`, "npm", "test"], { stdio: "inherit", env: { ...process.env, CI: "true" } });
console.log(`test:time-travel (+${days} days) finished in ${Math.round((Date.now() - started) / 1000)} s (real time) with exit code ${run.status}`);
process.exit(run.status ?? 1);
