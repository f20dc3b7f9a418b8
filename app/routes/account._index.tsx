import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "../auth/guards.server";
import { AppForm, SubmitButton } from "../components/form";
import { withNotice } from "../components/notice";
import { localeOf } from "../i18n/locale.server";
import { listHosts } from "../orgs/enterprises.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { currentConsents, recordConsents } from "../privacy/privacy.server";
import { formatDateTime } from "../utils/dates";
import { choice } from "../utils/fields";
import { parseForm } from "../utils/forms";
import { invalid } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.account.title);

const campaignEmailsSchema = z.object({ campaignEmails: choice(["on", "off"]) });

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db } = args.context.services;
  const [hosts, consents] = await Promise.all([listHosts(db), currentConsents(db, user.id)]);
  const hostNames = new Map(hosts.map((h) => [h.id, h.name]));
  return json({
    email: user.email,
    displayName: user.displayName,
    memberships: user.memberships,
    roles: user.staffRoles.map((r) => ({ ...r, hostName: hostNames.get(r.hostId) ?? "" })),
    consents,
  });
}

/** Gives or withdraws the optional consent: a new record either way. */
export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock } = args.context.services;
  const parsed = parseForm(campaignEmailsSchema, await args.request.formData());
  if (!parsed.ok) return invalid(parsed);
  await recordConsents(db, user.id, [{ purpose: "campaign_emails", granted: parsed.data.campaignEmails === "on" }], localeOf(args.request), clock.now());
  return redirect(withNotice("/account", "consentSaved"));
}

export default function Account() {
  const data = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const p = m.privacy.account;
  const consentRows = [
    { purpose: "account" as const, title: m.privacy.consents.account.title },
    { purpose: "campaign_emails" as const, title: m.privacy.consents.campaignEmails.title },
  ].map((row) => ({ ...row, record: data.consents.find((c) => c.purpose === row.purpose) ?? null }));
  const emailsOn = consentRows[1]?.record?.granted ?? false;
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
      <section className="card section" data-testid="privacy-section">
        <h2>{p.title}</h2>
        <h3>{p.consentsTitle}</h3>
        <ul className="plain-list stack" data-testid="consents">
          {consentRows.map((row) => (
            <li key={row.purpose} data-purpose={row.purpose}>
              <strong>{row.title}</strong>{" "}
              {row.record ? (
                <>
                  <span className={row.record.granted ? "badge badge-success" : "badge"}>{row.record.granted ? p.granted : p.withdrawn}</span>{" "}
                  <span className="muted small">{p.consentRow(row.record.text_version, formatDateTime(row.record.recorded_at, locale))}</span>
                </>
              ) : (
                <span className="muted small">{p.noRecord}</span>
              )}
            </li>
          ))}
        </ul>
        <AppForm>
          <input type="hidden" name="campaignEmails" value={emailsOn ? "off" : "on"} />
          <SubmitButton variant="secondary">{emailsOn ? p.campaignEmailsOff : p.campaignEmailsOn}</SubmitButton>
        </AppForm>
        <h3>{p.downloadTitle}</h3>
        <p className="muted">{p.downloadIntro}</p>
        <div className="button-row">
          <a href="/account/data.json" className="button button-secondary" download data-testid="download-json">
            {p.downloadJson}
          </a>
          <a href="/account/data.csv" className="button button-secondary" download data-testid="download-csv">
            {p.downloadCsv}
          </a>
        </div>
        <h3>{p.deleteTitle}</h3>
        <p className="muted">{p.deleteIntro}</p>
        <Link to="/account/delete" className="button button-danger" data-testid="delete-account-link">
          {p.deleteLink}
        </Link>
      </section>
    </div>
  );
}
