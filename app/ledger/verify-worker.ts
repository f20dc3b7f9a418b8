import { parentPort, workerData } from "node:worker_threads";
import { verifyBatch } from "./export";

// Checks batches of an export on a worker thread (see verifyExportFile).
const claimSizes = (workerData as { claimSizes: number[] }).claimSizes;
parentPort?.on("message", (message: { id: number; bytes: Uint8Array }) => {
  parentPort?.postMessage({ id: message.id, result: verifyBatch(message.bytes, claimSizes) });
});
