import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { hasStaffRole, requireAnyStaff, staffHostIds } from "../auth/guards.server";
import { ContestSettingsFields } from "../components/contest-parts";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { newContestSchema } from "../contests/contests";
import { createContest } from "../contests/setup.server";
import { useMessages } from "../i18n/use-messages";
import { listHosts } from "../orgs/enterprises.server";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.newContest);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, ["operator"]);
  const hostIds = new Set(staffHostIds(user, ["operator"]));
  const hosts = (await listHosts(args.context.services.db)).filter((h) => hostIds.has(h.id));
  return json({ hosts });
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireAnyStaff(args, ["operator"]);
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(newContestSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  // An operator creates contests only for the hosts they operate for.
  if (!hasStaffRole(user, parsed.data.hostId, ["operator"])) return invalid(formFailure(formData, "invalidChoice", "hostId"), 403);
  try {
    const id = await createContest(db, user.id, parsed.data, clock.now());
    return redirect(withNotice(`/staff/contests/${id}`, "contestCreated"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function NewContest() {
  const { hosts } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const f = m.contestWork.fields;
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 860, margin: "0 auto" }}>
        <h1>{m.contestWork.newContest}</h1>
        <FormAlert failure={failure} />
        <AppForm className="form" noValidate>
          <div className="form-grid">
            <SelectField name="hostId" label={f.host} required failure={failure} options={hosts.map((h) => ({ value: String(h.id), label: h.name }))} />
            <Field name="slug" label={f.slug} hint={f.slugHint} required failure={failure} />
          </div>
          <ContestSettingsFields failure={failure} />
          <div className="button-row">
            <SubmitButton>{m.contestWork.create}</SubmitButton>
          </div>
        </AppForm>
      </div>
    </div>
  );
}
