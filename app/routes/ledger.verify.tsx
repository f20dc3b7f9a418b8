import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMessages } from "../i18n/use-messages";
import { keyIdFor, verifierKey } from "../ledger/checkpoints";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.ledger.verify.title);

export async function loader({ context }: LoaderFunctionArgs) {
  const { origin, ledgerSigner } = context.services;
  return json({
    origin,
    keyId: keyIdFor(ledgerSigner.origin, ledgerSigner.publicKey),
    vkey: verifierKey(ledgerSigner.origin, ledgerSigner.publicKey),
  });
}

function Command({ children }: { children: string }) {
  return (
    <pre className="code-block" data-testid="command">
      <code>{children}</code>
    </pre>
  );
}

export default function VerifyGuide() {
  const { origin, keyId, vkey } = useLoaderData<typeof loader>();
  const m = useMessages();
  const v = m.ledger.verify;
  const [download, keep, prepare, run, read] = v.steps;
  return (
    <article className="guide">
      <header className="page-header">
        <h1>{v.title}</h1>
        <p>{v.intro}</p>
      </header>
      <section className="card stack">
        <h2>{v.stepsTitle}</h2>
        <ol className="steps">
          <li>
            <h3>{download?.title}</h3>
            <p>{download?.body}</p>
            <div className="button-row">
              <a className="button button-secondary button-small" href="/api/v1/ledger/entries.ndjson" download="ledger.ndjson">
                {v.downloadNdjson}
              </a>
              <a className="button button-secondary button-small" href="/api/v1/ledger/checkpoints" download="checkpoints.json">
                {v.downloadCheckpoints}
              </a>
            </div>
            <Command>{`curl -o ledger.ndjson ${origin}/api/v1/ledger/entries.ndjson\ncurl -o checkpoints.json ${origin}/api/v1/ledger/checkpoints`}</Command>
          </li>
          <li>
            <h3>{keep?.title}</h3>
            <p>{keep?.body}</p>
            <p className="small">
              <strong data-testid="verify-key-id">{v.keyLine(keyId)}</strong>
            </p>
            <Command>{`cp checkpoints.json checkpoints-$(date +%F).json`}</Command>
          </li>
          <li>
            <h3>{prepare?.title}</h3>
            <p>{prepare?.body}</p>
            <Command>{"npm ci"}</Command>
          </li>
          <li>
            <h3>{run?.title}</h3>
            <p>{run?.body}</p>
            <Command>{"npm run ledger:verify -- ledger.ndjson checkpoints.json"}</Command>
            <Command>{`npm run ledger:verify -- ledger.ndjson checkpoints.json checkpoints-2026-11-01.json \\\n  --key ${vkey}`}</Command>
            <Command>{`npm run ledger:verify -- --log ${origin}/ledger --key ${vkey}`}</Command>
          </li>
          <li>
            <h3>{read?.title}</h3>
            <p>{read?.body}</p>
            <Command>{`OK: 1,234 entries verified (seq 1–1,234); chain hash at the end: 9f2c…\nMerkle root of all 1,234 entries: 5d1e…\nCheckpoints: 12 signature(s) verified with key ${keyId} (…); each matches the entries (latest: size 1,234).`}</Command>
            <Command>{"FAILED at seq 57: leaf_hash does not match the canonical text"}</Command>
          </li>
        </ol>
      </section>
      <section className="section card">
        <h2>{v.checksTitle}</h2>
        <ul className="checks">
          {v.checks.map((check) => (
            <li key={check}>{check}</li>
          ))}
        </ul>
        <h3 className="section-gap">{v.formatTitle}</h3>
        <p className="small">{v.formatBody}</p>
      </section>
      <section className="section card">
        <h2>{v.findTitle}</h2>
        <p>{v.findBody}</p>
        <Link to="/ledger/find" className="button button-primary">
          {v.findLink}
        </Link>
      </section>
    </article>
  );
}
