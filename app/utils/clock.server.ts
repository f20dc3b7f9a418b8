import type { Database } from "./db.server";
import type { Clock } from "./clock";

export interface OffsetClock extends Clock {
  offsetMs(): number;
  refresh(): Promise<void>;
  advance(ms: number): Promise<void>;
  stop(): void;
}

/**
 * Real time plus an offset kept in the database, so every server process and job worker agrees
 * when the demo (or a browser test) moves time forward. The offset only ever grows.
 */
export async function createOffsetClock(db: Database, refreshEveryMs = 1000): Promise<OffsetClock> {
  let offset = 0;
  const refresh = async () => {
    const row = await db.selectFrom("app_clock").select("offset_ms").executeTakeFirst();
    // A read that started before this process's own advance can answer after it: never go back.
    offset = Math.max(offset, row?.offset_ms ?? 0);
  };
  await refresh();
  const timer = setInterval(() => void refresh().catch(() => {}), refreshEveryMs);
  timer.unref();
  return {
    now: () => new Date(Date.now() + offset),
    offsetMs: () => offset,
    refresh,
    advance: async (ms) => {
      if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError("The clock only moves forward");
      const row = await db
        .updateTable("app_clock")
        .set((eb) => ({ offset_ms: eb("offset_ms", "+", ms) }))
        .returning("offset_ms")
        .executeTakeFirstOrThrow();
      offset = row.offset_ms;
    },
    stop: () => clearInterval(timer),
  };
}
