import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server";
import { listHosts } from "../orgs/enterprises.server";
import { useMessages } from "../i18n/use-messages";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.account.title);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const hosts = await listHosts(args.context.services.db);
  const hostNames = new Map(hosts.map((h) => [h.id, h.name]));
  return json({
    email: user.email,
    displayName: user.displayName,
    memberships: user.memberships,
    roles: user.staffRoles.map((r) => ({ ...r, hostName: hostNames.get(r.hostId) ?? "" })),
  });
}

export default function Account() {
  const data = useLoaderData<typeof loader>();
  const m = useMessages();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.account.title}</h1>
        <p>{m.account.signedInAs(data.email)}</p>
        <Link to="/account/pledges" className="button button-secondary" data-testid="my-pledges-link">
          {m.pledges.myTitle}
        </Link>
      </header>
      <div className="two-col">
        <section className="card">
          <div className="section-title">
            <h2>{m.account.myEnterprises}</h2>
            <Link to="/enterprises/new" className="button button-primary button-small">
              {m.enterprises.register}
            </Link>
          </div>
          {data.memberships.length === 0 ? (
            <p className="muted">{m.account.noEnterprises}</p>
          ) : (
            <ul data-testid="my-enterprises">
              {data.memberships.map((membership) => (
                <li key={membership.enterpriseId}>
                  <Link to={`/enterprises/${membership.enterpriseId}`}>{membership.enterpriseName}</Link>{" "}
                  <span className="badge">{m.common.memberRoles[membership.role]}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card">
          <h2>{m.account.staffRoles}</h2>
          {data.roles.length === 0 ? (
            <p className="muted">{m.common.none}</p>
          ) : (
            <ul>
              {data.roles.map((role) => (
                <li key={`${role.hostId}-${role.role}`}>
                  {role.hostName} · {m.common.roles[role.role]}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
