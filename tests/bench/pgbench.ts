import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { resolve } from "node:path";

// pgbench, P1's yardstick, comes with Debian's PostgreSQL server package. On a machine without it
// the bench unpacks that package (and libpq) into .data/pgbench with apt-get download and
// dpkg-deb: nothing is installed, no cluster is created or started.

const root = resolve(import.meta.dirname, "../..");
const unpacked = resolve(root, ".data/pgbench");

export interface Pgbench {
  binary: string;
  env: Record<string, string>;
}

function installed(): Pgbench | null {
  for (const version of ["17", "16", "15"]) {
    const binary = `/usr/lib/postgresql/${version}/bin/pgbench`;
    if (existsSync(binary)) return { binary, env: {} };
  }
  return fromUnpacked();
}

function fromUnpacked(): Pgbench | null {
  const lib = resolve(unpacked, "usr/lib/postgresql");
  if (!existsSync(lib)) return null;
  for (const version of readdirSync(lib).sort().reverse()) {
    const binary = resolve(lib, version, "bin/pgbench");
    if (existsSync(binary)) {
      const libraries = readdirSync(resolve(unpacked, "usr/lib")).filter((d) => d.endsWith("-linux-gnu")).map((d) => resolve(unpacked, "usr/lib", d));
      return { binary, env: { LD_LIBRARY_PATH: [...libraries, process.env.LD_LIBRARY_PATH ?? ""].filter(Boolean).join(":") } };
    }
  }
  return null;
}

/** pgbench, unpacked from Debian's packages when it is missing and apt-get can fetch them; else null and why. */
export function ensurePgbench(): Pgbench | string {
  const found = installed();
  if (found) return found;
  if (!existsSync("/usr/bin/apt-get")) return "pgbench not found and no apt-get to fetch it (install Debian's postgresql package)";
  try {
    if (process.getuid?.() === 0) execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
    const names = execFileSync("apt-cache", ["search", "--names-only", "^postgresql-[0-9]+$"], { encoding: "utf8" })
      .split("\n")
      .map((line) => line.split(" ")[0] ?? "")
      .filter((name) => /^postgresql-\d+$/.test(name))
      .sort((a, b) => Number(b.split("-")[1]) - Number(a.split("-")[1]));
    const server = names[0];
    if (!server) return "no postgresql-NN package in the apt lists";
    mkdirSync(unpacked, { recursive: true });
    execFileSync("apt-get", ["download", "-qq", server, "libpq5"], { cwd: unpacked, stdio: "ignore" });
    for (const deb of readdirSync(unpacked).filter((f) => f.endsWith(".deb"))) execFileSync("dpkg-deb", ["-x", deb, "."], { cwd: unpacked });
  } catch (error) {
    return `pgbench could not be fetched: ${error instanceof Error ? error.message : String(error)}`;
  }
  return fromUnpacked() ?? "pgbench was not in the unpacked package";
}
