import type { Env } from "../utils/env.server";
import { parseWitnessKey, type WitnessKey } from "./checkpoints";

/** A witness the log submits its checkpoints to (C2SP tlog-witness add-checkpoint). */
export interface WitnessEndpoint extends WitnessKey {
  /** The witness's submission prefix: the log POSTs to <url>/add-checkpoint. */
  url: string;
}

/**
 * LEDGER_WITNESSES: comma-separated "<cosigner vkey> <submission prefix URL>", e.g.
 * "gwangsan.go.kr/witness+1a2b3c4d+BK…= https://witness.gwangsan.go.kr". Throws on a bad entry.
 */
export function parseWitnessList(text: string | undefined): WitnessEndpoint[] {
  const witnesses: WitnessEndpoint[] = [];
  for (const item of (text ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
    const [vkey = "", url = "", ...rest] = item.split(/\s+/);
    if (rest.length > 0 || !/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`"${item}" is not "<witness vkey> <https:// submission prefix>"`);
    const key = parseWitnessKey(vkey);
    if (witnesses.some((w) => w.name === key.name && w.keyId === key.keyId)) throw new Error(`witness ${key.name} is listed twice`);
    witnesses.push({ ...key, url: url.replace(/\/+$/, "") });
  }
  return witnesses;
}

const parsed = new Map<string, WitnessEndpoint[]>();

/** The configured witnesses (checked at boot by the env schema). */
export function ledgerWitnesses(env: Pick<Env, "LEDGER_WITNESSES">): WitnessEndpoint[] {
  const text = env.LEDGER_WITNESSES ?? "";
  const known = parsed.get(text);
  if (known) return known;
  const witnesses = parseWitnessList(text);
  parsed.set(text, witnesses);
  return witnesses;
}
