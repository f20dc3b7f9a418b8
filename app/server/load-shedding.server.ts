import type { NextFunction, Request, Response } from "express";

export interface LoadLimits {
  /** Requests handled at once by this process. */
  concurrency: number;
  /** Requests waiting for a slot; past that a request is refused at once. */
  queue: number;
  /** How long a request may wait for a slot before it is refused. */
  queueTimeoutMs: number;
}

export const RETRY_AFTER_SECONDS = 2;

/**
 * Bounds the work in a process: at most `concurrency` requests are handled, at most `queue` wait
 * (first come, first served), and the rest get 503 with Retry-After at once — a busy server
 * answers quickly instead of queueing without bound until every client times out.
 */
export function createLoadShedder(limits: LoadLimits, onShed: () => void) {
  let active = 0;
  const waiting: { admit(): void }[] = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next.admit();
    else active -= 1;
  };
  const refuse = (res: Response) => {
    onShed();
    res.status(503).set({ "Retry-After": String(RETRY_AFTER_SECONDS), "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
    res.end("서버가 바쁩니다. 잠시 후 다시 시도해 주세요.\nThe server is busy; please try again shortly.\n");
  };

  const middleware = (_req: Request, res: Response, next: NextFunction) => {
    const admitted = () => {
      res.once("close", release);
      next();
    };
    if (active < limits.concurrency) {
      active += 1;
      admitted();
      return;
    }
    if (waiting.length >= limits.queue) {
      refuse(res);
      return;
    }
    const entry = {
      admit: () => {
        clearTimeout(timer);
        res.off("close", leave);
        admitted();
      },
    };
    const leave = () => {
      clearTimeout(timer);
      const index = waiting.indexOf(entry);
      if (index >= 0) waiting.splice(index, 1);
    };
    const timer = setTimeout(() => {
      leave();
      res.off("close", leave);
      refuse(res);
    }, limits.queueTimeoutMs);
    // A client that gives up while waiting leaves the queue.
    res.once("close", leave);
    waiting.push(entry);
  };
  return { middleware, state: () => ({ active, waiting: waiting.length }) };
}
