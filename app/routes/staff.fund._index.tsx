import { json, redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAnyStaff, staffHostIds } from "../auth/guards.server";
import { listFundsForHosts } from "../fund/fund.server";
import { useMessages } from "../i18n/use-messages";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.loans.staffTitle);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, ["fund_admin", "auditor"]);
  const funds = await listFundsForHosts(args.context.services.db, staffHostIds(user, ["fund_admin", "auditor"]));
  const [only] = funds;
  if (funds.length === 1 && only) throw redirect(`/staff/fund/${only.id}`);
  return json({ funds });
}

export default function StaffFunds() {
  const { funds } = useLoaderData<typeof loader>();
  const m = useMessages();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.loans.staffTitle}</h1>
      </header>
      {funds.length === 0 ? <p className="muted">{m.loans.noneYet}</p> : null}
      <div className="grid">
        {funds.map((fund) => (
          <Link key={fund.id} to={`/staff/fund/${fund.id}`} className="campaign-card">
            <h3>{fund.name}</h3>
            <span className="muted small">{fund.host_name}</span>
          </Link>
        ))}
      </div>
    </div>
  );
}
