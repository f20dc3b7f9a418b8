import { execFileSync } from "node:child_process";
import { appendFile, chmod, chown, cp, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import postgres from "postgres";

// A physical base backup of a running cluster without pg_basebackup (the embedded binaries do not
// ship it): pg_backup_start, a copy of the data directory, pg_backup_stop, then the WAL written
// meanwhile and the backup_label it returns. Started as it is, the copy replays that WAL to a
// consistent state; with standby.signal and primary_conninfo it is a streaming replica.

/** Skipped in the copy, as pg_basebackup skips them: rebuilt at start, or not wanted in a copy. */
const SKIPPED = new Set(["postmaster.pid", "postmaster.opts", "pg_internal.init"]);
const EMPTIED = new Set(["pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans"]);

export interface BaseBackup {
  startLsn: string;
  stopLsn: string;
  label: string;
}

/**
 * Copies the cluster at `dataDir` (reached as superuser at `url`) into `targetDir`, online: writes
 * go on during the copy. The target must not exist.
 */
export async function takeBaseBackup(url: string, dataDir: string, targetDir: string, label = `hamkke ${new Date().toISOString()}`): Promise<BaseBackup> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Both calls must come from the same session: one reserved connection.
    const session = await sql.reserve();
    try {
      const [started] = await session<{ lsn: string }[]>`SELECT pg_backup_start(${label}, true)::text AS lsn`;
      await mkdir(targetDir, { recursive: false, mode: 0o700 });
      await cp(dataDir, targetDir, {
        recursive: true,
        filter: (source) => {
          const relative = source.slice(dataDir.length).replace(/^\/+/, "");
          const [top = "", ...rest] = relative.split("/");
          if (SKIPPED.has(relative.split("/").pop() ?? "")) return false;
          return !(EMPTIED.has(top) && rest.length > 0);
        },
      });
      const [stopped] = await session<{ lsn: string; labelfile: string; spcmapfile: string | null }[]>`
        SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive => false)`;
      if (!started || !stopped) throw new Error("pg_backup_start/stop returned nothing");
      // The WAL from the backup's start to its stop: pg_backup_stop has switched to a new segment.
      await cp(join(dataDir, "pg_wal"), join(targetDir, "pg_wal"), { recursive: true, filter: (source) => !source.includes("archive_status/") });
      await writeFile(join(targetDir, "backup_label"), stopped.labelfile);
      if (stopped.spcmapfile) await writeFile(join(targetDir, "tablespace_map"), stopped.spcmapfile);
      return { startLsn: started.lsn, stopLsn: stopped.lsn, label };
    } finally {
      session.release();
    }
  } finally {
    await sql.end();
  }
}

/**
 * Turns a base backup at `dataDir` into a streaming replica of the primary at `primaryUrl` (a
 * role allowed to replicate, with a `replication` line in the primary's pg_hba.conf).
 */
export async function configureStandby(dataDir: string, primaryUrl: string): Promise<void> {
  const url = new URL(primaryUrl);
  const quote = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const conninfo = [`host=${quote(url.hostname)}`, `port=${quote(url.port || "5432")}`, `user=${quote(decodeURIComponent(url.username))}`, `password=${quote(decodeURIComponent(url.password))}`].join(" ");
  await appendFile(join(dataDir, "postgresql.auto.conf"), `primary_conninfo = ${quote(conninfo)}\n`);
  await writeFile(join(dataDir, "standby.signal"), "");
}

/** PostgreSQL insists its data directory be owned by the user it runs as (`postgres` when we are root) with mode 0700. */
export async function giveToPostgresUser(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  const walk = async (path: string): Promise<void> => {
    await chown(path, uid, gid);
    if ((await stat(path)).isDirectory()) for (const entry of await readdir(path)) await walk(join(path, entry));
  };
  await walk(dir);
}
