import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useLocale, useMessages } from "../i18n/use-messages";
import { publicKeyJson, witnessJson } from "../ledger/checkpoints";
import { listCheckpoints, listSigningKeys } from "../ledger/checkpoints.server";
import { ledgerWitnesses } from "../ledger/witnesses";
import { parseSeq } from "../ledger/ledger-query";
import { formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.ledger.checkpoints.title);

const PAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, ledgerSigner, env } = context.services;
  const before = parseSeq(new URL(request.url).searchParams.get("before"));
  const [{ checkpoints, older }, keys] = await Promise.all([
    listCheckpoints(db, { beforeSize: typeof before === "number" ? before : undefined, limit: PAGE }),
    listSigningKeys(db),
  ]);
  const current = publicKeyJson(ledgerSigner.origin, ledgerSigner.publicKey);
  return json(
    {
      current,
      previousKeys: keys.filter((k) => k.key_id !== current.key_id),
      witnesses: ledgerWitnesses(env).map(witnessJson),
      checkpoints,
      older,
    },
    { status: before === "invalid" ? 400 : 200 },
  );
}

export default function CheckpointsPage() {
  const { current, previousKeys, witnesses, checkpoints, older } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const c = m.ledger.checkpoints;
  return (
    <>
      <header className="page-header">
        <h1>{c.title}</h1>
        <p>{c.intro}</p>
      </header>
      <section className="card" data-testid="public-key">
        <h2>{c.publicKey}</h2>
        <dl className="facts">
          <dt>{c.keyId}</dt>
          <dd>
            <code data-testid="key-id">{current.key_id}</code>
          </dd>
          <dt>{c.keyName}</dt>
          <dd>
            <code>{current.key_name}</code>
          </dd>
          <dt>{c.vkey}</dt>
          <dd>
            <code className="hash hash-full" data-testid="vkey">
              {current.vkey}
            </code>
          </dd>
          <dt>{c.pem}</dt>
          <dd>
            <pre className="code-block">{current.public_key_pem.trim()}</pre>
          </dd>
        </dl>
        {previousKeys.length > 0 ? (
          <>
            <h3 className="section-gap">{c.previousKeys}</h3>
            <ul className="plain-list">
              {previousKeys.map((key) => (
                <li key={key.key_id}>
                  <code className="hash hash-full">{key.vkey}</code>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h3 className="section-gap">{c.witnessList}</h3>
        {witnesses.length === 0 ? (
          <p className="muted small" data-testid="no-witnesses">
            {c.noWitnessList}
          </p>
        ) : (
          <ul className="plain-list" data-testid="witnesses">
            {witnesses.map((witness) => (
              <li key={witness.vkey}>
                <strong>{witness.name}</strong>
                <br />
                <code className="hash hash-full">{witness.vkey}</code>
              </li>
            ))}
          </ul>
        )}
        <p className="muted small section-gap">{c.archiveHint}</p>
        <p className="muted small">{c.tlogHint}</p>
        <div className="button-row">
          <a className="button button-secondary button-small" href="/api/v1/ledger/checkpoints" download="checkpoints.json">
            {m.ledger.downloads.checkpoints}
          </a>
        </div>
      </section>
      <section className="section card table-wrap" tabIndex={0} role="region" aria-label={c.previousKeys}>
        {checkpoints.length === 0 ? (
          <p className="muted" data-testid="no-checkpoints">
            {c.none}
          </p>
        ) : (
          <table data-testid="checkpoints">
            <thead>
              <tr>
                <th className="num">{c.size}</th>
                <th>{c.signedAt}</th>
                <th>{c.rootHash}</th>
                <th>{c.witnesses}</th>
                <th>{c.signedNote}</th>
              </tr>
            </thead>
            <tbody>
              {checkpoints.map((checkpoint) => (
                <tr key={`${checkpoint.size}:${checkpoint.root_hash ?? "chain"}`} data-testid="checkpoint" data-size={checkpoint.size} data-kind={checkpoint.root_hash ? "merkle" : "chain"}>
                  <td className="num">
                    <Link to={`/ledger/entries/${checkpoint.size}`}>{checkpoint.size.toLocaleString("ko-KR")}</Link>
                  </td>
                  <td className="small nowrap">{formatDateTime(checkpoint.signed_at, locale)}</td>
                  <td>
                    {checkpoint.root_hash ? (
                      <code className="hash" title={checkpoint.root_hash}>
                        {checkpoint.root_hash.slice(0, 16)}…
                      </code>
                    ) : (
                      <>
                        <code className="hash" title={checkpoint.chain_hash}>
                          {checkpoint.chain_hash.slice(0, 16)}…
                        </code>
                        <div className="muted small">{c.chainSigned}</div>
                      </>
                    )}
                  </td>
                  <td className="small">{checkpoint.cosignatures.length === 0 ? <span className="muted">{c.noCosignatures}</span> : checkpoint.cosignatures.map((w) => w.witness).join(", ")}</td>
                  <td>
                    <details>
                      <summary className="small">{checkpoint.key_id}</summary>
                      <pre className="code-block small">{checkpoint.signed_note}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {older !== null ? (
          <nav className="pager">
            <span />
            <Link className="button button-secondary button-small" to={`/ledger/checkpoints?before=${older}`}>
              {c.older}
            </Link>
          </nav>
        ) : null}
      </section>
    </>
  );
}
