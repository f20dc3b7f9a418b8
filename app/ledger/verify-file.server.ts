import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { checkCheckpointDocuments, type CheckpointCheck, type WitnessKey } from "./checkpoints";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ExportMerger, verifyBatch, type BatchResult, type ExportVerifyResult } from "./export";

export interface FileVerification {
  checkpoints: CheckpointCheck;
  result: ExportVerifyResult;
}

/** Reads checkpoint documents (as published at /api/v1/ledger/checkpoints) and checks their signatures. */
export async function readCheckpointFiles(paths: readonly string[], trustedKeys: Buffer[] = [], trustedWitnesses: WitnessKey[] = []): Promise<CheckpointCheck> {
  const documents: { source: string; json: unknown }[] = [];
  for (const path of paths) {
    const text = await readFile(path, "utf8");
    try {
      documents.push({ source: path, json: JSON.parse(text) as unknown });
    } catch {
      return { claims: [], keys: new Map(), witnesses: new Map(), problem: { seq: 0, reason: `${path} is not JSON` } };
    }
  }
  return checkCheckpointDocuments(documents, trustedKeys, trustedWitnesses);
}

export interface VerifyFileOptions {
  /** Worker threads checking batches in parallel; 0 checks them on this thread. */
  workers?: number;
  batchBytes?: number;
}

export function defaultVerifyWorkers(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(cores, 4) : 0;
}

interface BatchPool {
  run(bytes: Buffer): Promise<BatchResult>;
  close(): Promise<void>;
}

function startPool(size: number, claimSizes: number[]): BatchPool {
  // Workers do not inherit the TypeScript loader the CLI runs under: each registers tsx first.
  const entry = new URL("./verify-worker.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const workers = Array.from({ length: size }, () => new Worker(bootstrap, { eval: true, execArgv: [], workerData: { claimSizes } }));
  const waiting = new Map<number, { resolve: (result: BatchResult) => void; reject: (error: Error) => void }>();
  for (const worker of workers) {
    worker.on("message", (message: { id: number; result: BatchResult }) => {
      waiting.get(message.id)?.resolve(message.result);
      waiting.delete(message.id);
    });
    worker.on("error", (error) => {
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    });
  }
  let next = 0;
  return {
    run: (bytes) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        const copy = new Uint8Array(bytes);
        workers[id % workers.length]!.postMessage({ id, bytes: copy }, [copy.buffer]);
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Streams an NDJSON export through the verifier in batches of whole lines, checked in parallel
 * on worker threads and joined in order. Memory stays flat whatever the file's size: at most two
 * batches per worker are in flight.
 */
export async function verifyExportFile(path: string, checkpoints: CheckpointCheck, options: VerifyFileOptions = {}): Promise<ExportVerifyResult> {
  const merger = new ExportMerger(checkpoints.claims);
  const claimSizes = merger.claimSizes;
  const workers = options.workers ?? defaultVerifyWorkers();
  const batchBytes = options.batchBytes ?? 4 << 20;
  const pool = workers > 0 ? startPool(workers, claimSizes) : null;
  const inFlight: Promise<BatchResult>[] = [];
  let stopped = false;

  const settleOldest = async () => {
    const result = await inFlight.shift();
    if (result && !stopped && !merger.add(result)) stopped = true;
  };
  const submit = async (bytes: Buffer) => {
    if (!pool) {
      if (!merger.add(verifyBatch(bytes, claimSizes))) stopped = true;
      return;
    }
    inFlight.push(pool.run(bytes));
    if (inFlight.length >= workers * 2) await settleOldest();
  };

  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < batchBytes) continue;
      const joined = Buffer.concat(pending, pendingBytes);
      const cut = joined.lastIndexOf(10) + 1;
      if (cut === 0) continue;
      pending = cut < joined.length ? [Buffer.from(joined.subarray(cut))] : [];
      pendingBytes = joined.length - cut;
      await submit(joined.subarray(0, cut));
      if (stopped) break;
    }
    if (!stopped && pendingBytes > 0) await submit(Buffer.concat(pending, pendingBytes));
    while (inFlight.length > 0) await settleOldest();
  } finally {
    stream.destroy();
    await pool?.close();
  }
  return merger.finish();
}
