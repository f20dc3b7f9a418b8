import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireEnterpriseMember } from "../auth/guards.server";
import { ApplicationFacts } from "../components/application-facts";
import { AppForm, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { DocumentChecklistItem } from "../components/loan-parts";
import { withNotice } from "../components/notice";
import { fileField } from "../files/files.server";
import { useMessages } from "../i18n/use-messages";
import { getApplication, listApplicationDocuments, uploadApplicationDocument } from "../loans/applications.server";
import { documentChecklist, reviewBlockers } from "../loans/documents";
import { documentTypeSchema } from "../loans/loans";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => (data ? m.loans.applicationTitle(data.app.id) : m.loans.myLoansTitle));

async function load(args: LoaderFunctionArgs) {
  const enterpriseId = idParam(args.params.id);
  const applicationId = idParam(args.params.applicationId);
  const user = await requireEnterpriseMember(args, enterpriseId);
  const app = await getApplication(args.context.services.db, applicationId);
  // Another enterprise's application is simply not there.
  if (!app || app.enterprise_id !== enterpriseId) throw notFound();
  return { user, app, enterpriseId };
}

export async function loader(args: LoaderFunctionArgs) {
  const { app } = await load(args);
  const checklist = documentChecklist(app.required_documents, await listApplicationDocuments(args.context.services.db, app.id));
  return json({ app, checklist, blockers: reviewBlockers(checklist) });
}

export async function action(args: ActionFunctionArgs) {
  const { user, app, enterpriseId } = await load(args);
  const { db, fileStore } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(documentTypeSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const file = fileField(formData, "file");
  if (!file) return invalid(formFailure(formData, "fileRequired", "file"));
  try {
    await uploadApplicationDocument(db, { applicationId: app.id, docType: parsed.data.docType, file, userId: user.id, fileStore });
    return redirect(withNotice(`/enterprises/${enterpriseId}/loans/applications/${app.id}`, "documentUploaded"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function ApplicationPage() {
  const { app, checklist, blockers } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const l = m.loans;
  const open = app.state === "submitted" || app.state === "in_review";
  return (
    <div className="container page">
      <header className="page-header">
        <p className="small">
          <Link to={`/enterprises/${app.enterprise_id}/loans`}>
            {app.enterprise_name} · {l.myLoansTitle}
          </Link>
        </p>
        <h1>{l.applicationTitle(app.id)}</h1>
      </header>
      <div className="two-col">
        <section className="card" style={{ alignSelf: "start" }}>
          <ApplicationFacts app={app} />
          {app.loan_id ? (
            <p style={{ marginTop: 16 }}>
              <Link to={`/enterprises/${app.enterprise_id}/loans/${app.loan_id}`} className="button button-primary">
                {l.loanTitle(app.loan_id)} →
              </Link>
            </p>
          ) : null}
        </section>
        <aside className="card" style={{ alignSelf: "start" }}>
          <h2>{l.fields.documents}</h2>
          <ul className="doc-list small" data-testid="documents">
            {checklist.map((row) => (
              <DocumentChecklistItem key={row.docType} row={row} />
            ))}
          </ul>
          {blockers.rejected.length > 0 ? (
            <div className="alert alert-error" data-testid="rejected-documents">
              {l.rejectedDocuments}: {blockers.rejected.map((d) => l.documentTypes[d]).join(", ")}
              <div className="small">{l.replaceHint}</div>
            </div>
          ) : null}
          {blockers.missing.length > 0 ? (
            <div className="alert alert-info" data-testid="missing-documents">
              {l.missingDocuments}: {blockers.missing.map((d) => l.documentTypes[d]).join(", ")}
            </div>
          ) : blockers.rejected.length === 0 ? (
            <p className="muted small" style={{ marginTop: 8 }}>
              {l.allDocuments}
            </p>
          ) : null}
          {open ? (
            <AppForm className="form" encType="multipart/form-data" noValidate style={{ marginTop: 20, borderTop: "1px solid var(--line)", paddingTop: 16 }}>
              <h3 style={{ margin: 0 }}>{l.uploadDocument}</h3>
              <FormAlert failure={failure} />
              <SelectField
                name="docType"
                label={l.fields.document}
                required
                failure={failure}
                defaultValue={blockers.rejected[0] ?? blockers.missing[0] ?? null}
                options={app.required_documents.map((d) => ({ value: d, label: l.documentTypes[d] }))}
              />
              <div className="field">
                <label htmlFor="field-file">{l.fields.file}</label>
                <input id="field-file" name="file" type="file" accept="application/pdf,image/jpeg,image/png,image/webp" />
                {failure?.fieldErrors.file ? <p className="field-error">{failure.fieldErrors.file.map((k) => m.errors[k]).join(" ")}</p> : null}
              </div>
              <SubmitButton>{l.upload}</SubmitButton>
            </AppForm>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
