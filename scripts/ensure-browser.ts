import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM_PATH } from "../tests/support/constants";

// The browser tier drives Debian's Chromium. Installs it (and Korean fonts for readable
// screenshots) when it is missing and this machine can: root with apt-get.
if (existsSync(CHROMIUM_PATH)) process.exit(0);

const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
if (!canInstall) {
  console.warn(`No Chromium at ${CHROMIUM_PATH}: the browser tests will not run. Install it with: sudo apt-get install -y chromium fonts-noto-cjk`);
  process.exit(0);
}
console.log("Installing Debian's chromium for the browser tests (apt-get install chromium fonts-noto-cjk)…");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-noto-cjk"], { stdio: "inherit", env });
