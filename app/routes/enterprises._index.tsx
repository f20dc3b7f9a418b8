import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { EnterpriseType } from "../../db/types";
import { useMessages } from "../i18n/use-messages";
import { ENTERPRISE_TYPES } from "../orgs/enterprises";
import { listDirectory, listDirectoryAreas } from "../orgs/enterprises.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.enterprises.directoryTitle);

function isEnterpriseType(value: string | null): value is EnterpriseType {
  return value !== null && (ENTERPRISE_TYPES as readonly string[]).includes(value);
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const { db } = context.services;
  const typeParam = params.get("type");
  const areas = await listDirectoryAreas(db);
  const areaParam = params.get("area");
  const type = isEnterpriseType(typeParam) ? typeParam : undefined;
  const area = areaParam && areas.includes(areaParam) ? areaParam : undefined;
  const enterprises = await listDirectory(db, { type, area });
  return json({ enterprises, areas, filter: { type: type ?? "", area: area ?? "" } });
}

export default function Directory() {
  const { enterprises, areas, filter } = useLoaderData<typeof loader>();
  const m = useMessages();
  const e = m.enterprises;
  return (
    <div className="container page">
      <header className="page-header page-header-row">
        <div>
          <h1>{e.directoryTitle}</h1>
          <p>{e.directoryIntro}</p>
        </div>
        <Link to="/enterprises/new" className="button button-primary">
          {e.register}
        </Link>
      </header>
      <Form method="get" className="filter-bar" data-testid="directory-filter">
        <label>
          {e.filterType}
          <select name="type" defaultValue={filter.type}>
            <option value="">{m.common.all}</option>
            {ENTERPRISE_TYPES.map((t) => (
              <option key={t} value={t}>
                {m.common.enterpriseTypes[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {e.filterDistrict}
          <select name="area" defaultValue={filter.area}>
            <option value="">{m.common.all}</option>
            {areas.map((area) => (
              <option key={area} value={area}>
                {area}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button-secondary">
          {m.common.actions.filter}
        </button>
        <span className="muted small" data-testid="directory-count">
          {e.count(enterprises.length)}
        </span>
      </Form>
      {enterprises.length === 0 ? (
        <p className="muted">{e.empty}</p>
      ) : (
        <div className="grid" data-testid="directory">
          {enterprises.map((enterprise) => (
            <Link key={enterprise.id} to={`/enterprises/${enterprise.id}`} className="campaign-card" data-testid="enterprise-card">
              <div className="campaign-meta">
                <span className="badge badge-brand">{m.common.enterpriseTypes[enterprise.type]}</span>
                <span>{enterprise.district}</span>
              </div>
              <h3>{enterprise.name}</h3>
              <p className="muted small" style={{ margin: 0 }}>
                {enterprise.business}
              </p>
              <p className="small" style={{ margin: 0 }}>
                {e.employeesLine(enterprise.employees, enterprise.vulnerable_employees)}
              </p>
            </Link>
          ))}
        </div>
      )}
    </div>
  );
}
