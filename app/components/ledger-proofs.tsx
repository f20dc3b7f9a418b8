import { useEffect, useState } from "react";
import { useLocale, useMessages } from "../i18n/use-messages";
import { checkReceiptProof, type ProofResult } from "../ledger/browser-verify";
import type { ReceiptProofs } from "../ledger/proofs.server";
import { formatDateTime } from "../utils/dates";

type Status = "checking" | "ok" | "partial" | "failed";

function statusOf(result: ProofResult | null): Status {
  if (!result) return "checking";
  if (!result.included || result.checkpointSignature === "invalid" || result.checkpointSignature === "missing" || result.witnesses.some((w) => w.status === "invalid")) return "failed";
  return result.checkpointSignature === "valid" ? "ok" : "partial";
}

function Check({ ok, children }: { ok: boolean | null; children: string }) {
  return (
    <li className={ok === null ? "proof-check" : ok ? "proof-check proof-check-ok" : "proof-check proof-check-bad"}>
      <span aria-hidden="true">{ok === null ? "·" : ok ? "✓" : "✗"}</span> {children}
    </li>
  );
}

/** One entry's proof, checked in the browser when the page has loaded. */
function EntryProof({ seq, proofs, entry }: { seq: number; proofs: ReceiptProofs; entry: ReceiptProofs["entries"][number] }) {
  const m = useMessages();
  const p = m.ledger.proof;
  const locale = useLocale();
  const [result, setResult] = useState<ProofResult | null>(null);
  const [error, setError] = useState(false);
  const { checkpoint } = proofs;
  useEffect(() => {
    let current = true;
    checkReceiptProof(window.crypto.subtle, {
      canonical: entry.canonical,
      leafIndex: entry.leaf_index,
      inclusionPath: entry.inclusion_path,
      checkpoint: checkpoint.checkpoint,
      size: checkpoint.size,
      log: { origin: checkpoint.origin, keyId: checkpoint.key_id, publicKey: checkpoint.public_key },
      witnesses: proofs.witnesses,
    }).then(
      (checked) => current && setResult(checked),
      () => current && setError(true),
    );
    return () => {
      current = false;
    };
  }, [entry, checkpoint, proofs.witnesses]);
  const status: Status = error ? "failed" : statusOf(result);
  const size = checkpoint.size.toLocaleString(locale === "ko" ? "ko-KR" : "en-US");
  return (
    <div className="proof" data-testid="ledger-proof" data-seq={seq} data-status={status}>
      <h3 className="proof-title">{p.entry(seq)}</h3>
      <p className={`proof-summary proof-${status}`} role="status">
        {status === "checking" ? p.checking : status === "ok" ? p.ok : status === "partial" ? p.partial : p.failed}
      </p>
      <noscript>
        <p className="muted small">{p.noScript}</p>
      </noscript>
      {result ? (
        <ul className="proof-checks">
          <Check ok={true}>{p.leaf(result.leafHash)}</Check>
          <Check ok={result.included}>{result.included ? p.included(size) : p.notIncluded}</Check>
          <Check ok={result.checkpointSignature === "unsupported" ? null : result.checkpointSignature === "valid"}>
            {result.checkpointSignature === "valid" ? p.signature.valid(checkpoint.key_id) : p.signature[result.checkpointSignature]}
          </Check>
          {result.witnesses.length === 0 ? <Check ok={null}>{p.noWitnesses}</Check> : null}
          {result.witnesses.map((w) => (
            <Check key={w.name} ok={w.status === "valid" ? true : w.status === "invalid" ? false : null}>
              {w.status === "valid" ? p.witness.valid(w.name, formatDateTime(new Date((w.time ?? 0) * 1000).toISOString(), locale)) : p.witness[w.status](w.name)}
            </Check>
          ))}
        </ul>
      ) : null}
      <details className="proof-details">
        <summary>{p.details}</summary>
        <p className="small">{p.path(entry.leaf_index, size)}</p>
        <pre className="code-block small">{entry.inclusion_path.join("\n")}</pre>
        <p className="small">{p.checkpoint}</p>
        <pre className="code-block small">{checkpoint.checkpoint}</pre>
      </details>
    </div>
  );
}

/**
 * The inclusion proofs of a backer's entries against the newest signed checkpoint, each checked
 * in the browser; entries newer than the checkpoint say when they will be provable.
 */
export function LedgerProofs({ seqs, proofs, checkpointMinutes }: { seqs: readonly number[]; proofs: ReceiptProofs | null; checkpointMinutes: number }) {
  const m = useMessages();
  const p = m.ledger.proof;
  if (seqs.length === 0) return null;
  return (
    <section className="section card proofs" data-testid="ledger-proofs" aria-labelledby="ledger-proofs-title">
      <h2 id="ledger-proofs-title">{p.title}</h2>
      <p className="muted small">{p.intro}</p>
      {seqs.map((seq) => {
        const entry = proofs?.entries[seq];
        return proofs && entry ? (
          <EntryProof key={seq} seq={seq} proofs={proofs} entry={entry} />
        ) : (
          <div key={seq} className="proof" data-testid="ledger-proof" data-seq={seq} data-status="pending">
            <h3 className="proof-title">{p.entry(seq)}</h3>
            <p className="proof-summary">{p.pending(checkpointMinutes)}</p>
          </div>
        );
      })}
    </section>
  );
}
