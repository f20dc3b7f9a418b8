import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AccountActivityPanel } from "../components/account-activity";
import { accountHref, accountName, kindLabel } from "../components/ledger-entries";
import { useLocale, useMessages } from "../i18n/use-messages";
import { ledgerSearch, parseLedgerQuery } from "../ledger/ledger-query";
import { getAccountActivity } from "../ledger/public-ledger.server";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => {
  const account = data?.activity.accounts[0];
  return account ? `${account.nameKo} (${account.code})` : m.ledger.account.title;
});

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const code = params.code ?? "";
  if (!/^[a-z0-9][a-z0-9_:.-]{2,119}$/.test(code)) throw notFound();
  const query = parseLedgerQuery(new URL(request.url).searchParams);
  const activity = await getAccountActivity(context.services.db, [code], {
    cursor: query.cursor,
    filter: { kind: query.filter.kind, from: query.filter.from, to: query.filter.to },
  });
  if (activity.accounts.length === 0) throw notFound();
  const { kind, from, to } = query.filter;
  return json({ activity, filter: { kind, from, to, account: null }, errors: query.errors }, { status: Object.keys(query.errors).length > 0 ? 400 : 200 });
}

export default function AccountPage() {
  const { activity, filter, errors } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const account = activity.accounts[0]!;
  const a = m.ledger.account;
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">{a.title}</p>
        <h1 data-testid="account-name">{accountName(account, locale)}</h1>
        <dl className="facts">
          <dt>{a.code}</dt>
          <dd>
            <code>{account.code}</code>
          </dd>
          <dt>{a.kind}</dt>
          <dd>{m.ledger.accountKindNames[account.kind] ?? account.kind}</dd>
        </dl>
        <p className="muted small section-gap">{a.balanceHint}</p>
      </header>
      {Object.keys(errors).length > 0 ? (
        <div className="alert alert-error" role="alert" data-testid="filter-errors">
          {m.ledger.filters.ignored}
        </div>
      ) : null}
      {filter.kind ? (
        <p className="filter-chip">
          {m.ledger.kind}: <strong>{kindLabel(filter.kind, m)}</strong>{" "}
          <Link to={accountHref(account.code)} aria-label={m.ledger.filters.reset}>
            ✕
          </Link>
        </p>
      ) : null}
      <AccountActivityPanel activity={activity} pageHref={(cursor) => `${accountHref(account.code)}${ledgerSearch(filter, cursor ?? {})}`} />
      <p className="section">
        <a className="button button-secondary" href={`/ledger.csv${ledgerSearch({ ...filter, account: account.code })}`} download>
          {m.ledger.downloads.csv}
        </a>
      </p>
    </>
  );
}
