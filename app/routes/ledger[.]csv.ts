import type { LoaderFunctionArgs } from "@remix-run/node";
import { dictionaries } from "../i18n/messages";
import { localeOf } from "../i18n/locale.server";
import { LEDGER_CSV_COLUMNS } from "../ledger/export";
import { CSV_BOM, csvRow } from "../utils/csv";
import { parseLedgerQuery, type LedgerFilter } from "../ledger/ledger-query";
import { streamLedgerEntries } from "../ledger/public-ledger.server";
import type { DbOrTx } from "../utils/db.server";
import { textStream } from "../utils/streams.server";
import { publicReader } from "../server/public-reads.server";

// The ledger page's list as CSV, with the page's filters: one row per journal line, every
// matching entry (not one page), streamed.

async function* csvLines(db: DbOrTx, filter: LedgerFilter): AsyncGenerator<string> {
  yield CSV_BOM + csvRow(LEDGER_CSV_COLUMNS);
  for await (const entry of streamLedgerEntries(db, filter)) {
    const refs = JSON.stringify(entry.refs);
    let lineNo = 0;
    for (const line of entry.lines) {
      lineNo += 1;
      yield csvRow([entry.seq, entry.occurredAt, entry.kind, entry.memo, refs, lineNo, line.account, line.nameKo, line.nameEn, line.amountWon, entry.leafHash, entry.chainHash]);
    }
  }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = parseLedgerQuery(new URL(request.url).searchParams);
  const problems = Object.entries(query.errors);
  if (problems.length > 0) {
    const m = dictionaries[localeOf(request)];
    const text = problems.map(([field, key]) => `${field}: ${m.errors[key]}`).join("\n");
    return new Response(`${text}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return new Response(textStream(csvLines(await publicReader({ request, context }), query.filter)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="hamkke-ledger.csv"',
      "Cache-Control": "no-store",
    },
  });
}
