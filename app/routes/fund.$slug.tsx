import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useLocale, useMessages } from "../i18n/use-messages";
import { getBalance } from "../ledger/ledger.server";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => data?.fund.name ?? m.fund.indexTitle);

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db } = context.services;
  const fund = await db
    .selectFrom("funds")
    .innerJoin("host_organisations", "host_organisations.id", "funds.host_id")
    .select(["funds.id", "funds.name", "funds.description", "host_organisations.name as host_name"])
    .where("funds.slug", "=", params.slug ?? "")
    .executeTakeFirst();
  if (!fund) throw notFound();
  const products = await db
    .selectFrom("loan_products")
    .select(["id", "name", "purpose", "cap_won", "rate_bp", "term_months", "repayment_method", "eligible_types"])
    .where("fund_id", "=", fund.id)
    .where("is_current", "=", true)
    .execute();
  return json({ fund, products, balance: await getBalance(db, `fund:${fund.id}`) });
}

export default function FundPage() {
  const { fund, products, balance } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{fund.name}</h1>
        <p>
          {m.fund.host}: {fund.host_name}
        </p>
      </header>
      <div className="two-col">
        <section className="stack">
          <h2>{m.fund.products}</h2>
          {products.map((p) => (
            <article key={p.id} className="card" data-testid="loan-product">
              <h3>{p.name}</h3>
              <p className="muted">{p.purpose}</p>
              <dl className="facts">
                <dt>{m.fund.cap}</dt>
                <dd>{formatWon(p.cap_won, locale)}</dd>
                <dt>{m.fund.rate}</dt>
                <dd>{(p.rate_bp / 100).toFixed(2)}%</dd>
                <dt>{m.fund.term}</dt>
                <dd>{m.fund.months(p.term_months)}</dd>
                <dt>{m.fund.method}</dt>
                <dd>{m.fund.methods[p.repayment_method]}</dd>
                <dt>{m.fund.eligible}</dt>
                <dd>{p.eligible_types.map((t) => m.common.enterpriseTypes[t]).join(", ")}</dd>
              </dl>
            </article>
          ))}
        </section>
        <aside className="card">
          <div className="muted small">{m.fund.balance}</div>
          <div style={{ fontSize: "1.6rem", fontWeight: 800 }}>{formatWon(balance, locale)}</div>
          <h3 style={{ marginTop: 20 }}>{m.fund.uses}</h3>
          <p className="small">{fund.description}</p>
        </aside>
      </div>
    </div>
  );
}
