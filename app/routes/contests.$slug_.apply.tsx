import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { membershipOf, requireUser } from "../auth/guards.server";
import { ApplicationFields, IneligibilityReasons } from "../components/contest-parts";
import { AppForm, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import type { ApplicationFailure } from "../contests/application-action.server";
import { saveOrSubmit } from "../contests/application-action.server";
import { getOpenContest, windowState } from "../contests/applications.server";
import { getPublishedContest, listApplicationsOfEnterprises } from "../contests/contests.server";
import { useMessages } from "../i18n/use-messages";
import { listVerifiedEnterprises } from "../orgs/enterprises.server";
import { formFailure } from "../utils/forms";
import { invalid, notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.applyTitle);

async function load(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db } = args.context.services;
  const published = await getPublishedContest(db, args.params.slug ?? "");
  const contest = published ? await getOpenContest(db, published.id) : undefined;
  if (!published || !contest) throw notFound();
  return { user, contest, db };
}

export async function loader(args: LoaderFunctionArgs) {
  const { user, contest, db } = await load(args);
  const memberIds = user.memberships.map((mb) => mb.enterpriseId);
  const enterprises = await listVerifiedEnterprises(db, memberIds);
  const existing = await listApplicationsOfEnterprises(db, contest.id, enterprises.map((e) => e.id));
  // One application per enterprise: an enterprise that applied edits its application instead.
  if (existing.length > 0 && existing.length === enterprises.length && existing[0]) throw redirect(`/applications/${existing[0].id}`);
  const applied = new Set(existing.map((a) => a.enterprise_id));
  return json({
    contest: { slug: contest.slug, title: contest.title, eligible_regions: contest.eligible_regions, eligible_types: contest.eligible_types, age_min: contest.age_min, age_max: contest.age_max },
    enterprises: enterprises.filter((e) => !applied.has(e.id)),
    window: windowState(contest, args.context.services.clock.now()),
  });
}

export async function action(args: ActionFunctionArgs) {
  const { user, contest, db } = await load(args);
  const formData = await args.request.formData();
  const enterpriseId = Number(formData.get("enterpriseId"));
  if (!Number.isSafeInteger(enterpriseId) || !membershipOf(user, enterpriseId)) return invalid(formFailure(formData, "invalidChoice", "enterpriseId"), 403);
  const result = await saveOrSubmit(db, formData, { contestId: contest.id, enterpriseId, applicationId: null, userId: user.id, now: args.context.services.clock.now() });
  if (result instanceof Response) return result;
  return redirect(withNotice(`/applications/${result.id}`, result.submitted ? "applicationSubmitted" : "draftSaved"));
}

export default function ApplyToContest() {
  const { contest, enterprises, window } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const reasons = (useActionData<ApplicationFailure>() as ApplicationFailure | undefined)?.reasons ?? [];
  const m = useMessages();
  const w = m.contestWork;
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 820, margin: "0 auto" }}>
        <p className="small">
          <Link to={`/contests/${contest.slug}`}>{contest.title}</Link>
        </p>
        <h1>{w.applyTitle}</h1>
        <p className="muted">{w.applyIntro}</p>
        {window === "closed" ? (
          <div className="alert alert-error">{m.errors.applicationsClosed}</div>
        ) : enterprises.length === 0 ? (
          <div className="alert alert-info">
            {w.noEnterprise} <Link to="/enterprises/new">{w.registerEnterprise}</Link>
          </div>
        ) : (
          <>
            {reasons.length > 0 ? (
              <div className="alert alert-error" role="alert" data-testid="form-error">
                {m.errors.notEligible}
                <IneligibilityReasons codes={reasons} regions={contest.eligible_regions} types={contest.eligible_types} ageMin={contest.age_min} ageMax={contest.age_max} />
              </div>
            ) : (
              <FormAlert failure={failure} />
            )}
            <AppForm className="form" noValidate>
              <SelectField name="enterpriseId" label={w.app.enterprise} required failure={failure} options={enterprises.map((e) => ({ value: String(e.id), label: e.name }))} />
              <ApplicationFields failure={failure} askBirthDate={contest.age_min !== null || contest.age_max !== null} />
              <p className="muted small">{w.app.submitConfirm}</p>
              <div className="button-row">
                <SubmitButton name="intent" value="draft" variant="secondary">
                  {w.app.saveDraft}
                </SubmitButton>
                <SubmitButton name="intent" value="submit">
                  {w.app.submit}
                </SubmitButton>
              </div>
            </AppForm>
          </>
        )}
      </div>
    </div>
  );
}
