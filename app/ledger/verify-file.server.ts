import { open, readFile } from "node:fs/promises";
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
  run(bytes: Uint8Array<ArrayBuffer>): Promise<BatchResult>;
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
        // The batch owns its memory (readBatches): it moves to the worker without a copy.
        workers[id % workers.length]!.postMessage({ id, bytes }, [bytes.buffer]);
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Reads a file in batches of whole lines, each in memory of its own (so it can be handed to a
 * worker thread without a copy); the partial line at a batch's end starts the next batch.
 */
async function* readBatches(path: string, batchBytes: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const file = await open(path, "r");
  try {
    let carry = new Uint8Array(0);
    for (;;) {
      const batch = new Uint8Array(carry.length + batchBytes);
      batch.set(carry);
      const { bytesRead } = await file.read(batch, carry.length, batchBytes, null);
      const filled = carry.length + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield batch.subarray(0, filled);
        return;
      }
      const cut = batch.lastIndexOf(10, filled - 1) + 1;
      // A line longer than a batch: read on until it ends.
      if (cut === 0) {
        carry = batch.subarray(0, filled);
        continue;
      }
      carry = batch.slice(cut, filled);
      yield batch.subarray(0, cut);
    }
  } finally {
    await file.close();
  }
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
  try {
    for await (const batch of readBatches(path, batchBytes)) {
      if (!pool) {
        if (!merger.add(verifyBatch(batch, claimSizes))) stopped = true;
      } else {
        inFlight.push(pool.run(batch));
        if (inFlight.length >= workers * 2) await settleOldest();
      }
      if (stopped) break;
    }
    while (inFlight.length > 0) await settleOldest();
  } finally {
    await pool?.close();
  }
  return merger.finish();
}
