import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { accountHref, accountName } from "../components/ledger-entries";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listAccounts } from "../ledger/public-ledger.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.ledger.account.listTitle);

const CODE_PART = /^[a-z0-9][a-z0-9_:.-]{0,119}$/;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const prefixText = params.get("prefix")?.trim().toLowerCase().slice(0, 120) ?? "";
  const afterText = params.get("after")?.trim().slice(0, 120) ?? "";
  const prefix = CODE_PART.test(prefixText) ? prefixText : null;
  const after = CODE_PART.test(afterText) ? afterText : null;
  const invalid = (prefixText !== "" && prefix === null) || (afterText !== "" && after === null);
  const accounts = await listAccounts(context.services.db, { prefix, after });
  return json({ accounts: accounts.rows, next: accounts.next, prefix: prefix ?? "", invalid }, { status: invalid ? 400 : 200 });
}

export default function AccountsPage() {
  const { accounts, next, prefix, invalid } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const a = m.ledger.account;
  return (
    <>
      <header className="page-header">
        <h1>{a.listTitle}</h1>
        <p>{a.listIntro}</p>
      </header>
      <Form method="get" className="filter-bar">
        <label className="grow">
          {a.prefix}
          <input name="prefix" defaultValue={prefix} placeholder="campaign:" spellCheck={false} autoCapitalize="none" />
        </label>
        <button type="submit" className="button button-secondary">
          {m.common.actions.search}
        </button>
      </Form>
      {invalid ? (
        <div className="alert alert-error" role="alert" data-testid="filter-errors">
          {m.errors.invalidAccountCode}
        </div>
      ) : null}
      <section className="card table-wrap" tabIndex={0} role="region" aria-label={a.listTitle}>
        {accounts.length === 0 ? (
          <p className="muted">{a.none}</p>
        ) : (
          <table data-testid="accounts">
            <thead>
              <tr>
                <th>{a.name}</th>
                <th>{a.code}</th>
                <th>{a.kind}</th>
                <th className="num">{a.balance}</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((account) => (
                <tr key={account.code}>
                  <td>
                    <Link to={accountHref(account.code)}>{accountName(account, locale)}</Link>
                  </td>
                  <td>
                    <code className="account-code">{account.code}</code>
                  </td>
                  <td className="small">{m.ledger.accountKindNames[account.kind] ?? account.kind}</td>
                  <td className="num">{formatWon(account.balanceWon, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {next ? (
          <nav className="pager">
            <span />
            <Link className="button button-secondary button-small" to={`/ledger/accounts?${new URLSearchParams({ ...(prefix ? { prefix } : {}), after: next }).toString()}`}>
              {a.more}
            </Link>
          </nav>
        ) : null}
      </section>
    </>
  );
}
