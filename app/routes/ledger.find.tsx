import { json, type ActionFunctionArgs } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { z } from "zod";
import { AppForm, Field, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { LedgerEntriesTable, RecordingNotice } from "../components/ledger-entries";
import { LedgerProofs } from "../components/ledger-proofs";
import { useMessages } from "../i18n/use-messages";
import { findBackerRecord } from "../ledger/proofs.server";
import { normaliseReceiptCode } from "../ledger/receipts";
import { parseForm } from "../utils/forms";
import { invalid } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.ledger.find.title);

// The code is posted, not put in the URL, so it stays out of history, logs and Referer headers.
function findSchema() {
  return z.object({
    code: z
      .string({ error: "required" })
      .trim()
      .min(1, "required")
      .max(100, "invalidReceiptCode")
      .refine((code) => normaliseReceiptCode(code) !== null, "invalidReceiptCode"),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const parsed = parseForm(findSchema(), formData);
  if (!parsed.ok) return invalid(parsed, 422);
  const { db, env } = context.services;
  return json({ ok: true as const, ...(await findBackerRecord(db, env, parsed.data.code)) });
}

export default function FindPage() {
  const m = useMessages();
  const f = m.ledger.find;
  const failure = useFormFailure();
  const data = useActionData<typeof action>();
  const result = data && "commitment" in data ? data : null;
  return (
    <>
      <header className="page-header">
        <h1>{f.title}</h1>
        <p>{f.intro}</p>
      </header>
      <section className="card narrow-card">
        <FormAlert failure={failure} />
        <AppForm className="form" noValidate>
          <Field name="code" label={f.code} hint={f.codeHint} required failure={failure} autoComplete="off" placeholder="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX" />
          <div className="button-row">
            <SubmitButton>{f.button}</SubmitButton>
          </div>
        </AppForm>
        <p className="muted small section-gap">{f.privacy}</p>
      </section>
      {result ? (
        <section className="section card table-wrap" tabIndex={0} role="region" aria-label={f.title} data-testid="find-result">
          <p className="small">
            <strong>{f.commitment}</strong>
            <br />
            <code className="hash hash-full" data-testid="commitment">
              {result.commitment}
            </code>
          </p>
          <p className="muted small">{f.commitmentHint}</p>
          <RecordingNotice waiting={result.waiting} />
          {result.entries.length > 0 ? (
            <>
              <p className="alert alert-success" data-testid="find-count">
                {f.found(result.entries.length)}
              </p>
              <LedgerEntriesTable entries={result.entries} emptyText={f.none} />
            </>
          ) : result.waiting > 0 ? null : (
            <div className="alert alert-info" data-testid="find-none">
              {f.none}
              <div className="small">{f.noneHint}</div>
            </div>
          )}
        </section>
      ) : null}
      {result ? <LedgerProofs seqs={result.entries.map((e) => e.seq)} proofs={result.proofs} checkpointMinutes={result.checkpointMinutes} /> : null}
      <p className="section small">
        <Link to="/ledger/verify">{m.ledger.verify.title} →</Link>
      </p>
    </>
  );
}
