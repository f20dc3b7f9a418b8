import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { StaffContestNav } from "../components/contest-parts";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { EVENT_KINDS, eventSchema } from "../contests/contests";
import { requireContestStaff } from "../contests/guards.server";
import { createEvent, listEvents, listRegistrations } from "../contests/setup.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDateTime } from "../utils/dates";
import { parseForm } from "../utils/forms";
import { invalid } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.eventsTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db } = args.context.services;
  const [events, registrations] = await Promise.all([listEvents(db, contest.id), listRegistrations(db, contest.id)]);
  return json({ contest, events, registrations });
}

export async function action(args: ActionFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const parsed = parseForm(eventSchema, await args.request.formData());
  if (!parsed.ok) return invalid(parsed);
  await createEvent(args.context.services.db, contest.id, parsed.data);
  return redirect(withNotice(`/staff/contests/${contest.id}/events`, "saved"));
}

export default function StaffContestEvents() {
  const { contest, events, registrations } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const e = m.contestWork.event;
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      <div className="two-col">
        <section className="stack">
          {events.length === 0 ? <p className="muted">{m.contestWork.noEvents}</p> : null}
          {events.map((ev) => {
            const people = registrations.filter((r) => r.event_id === ev.id);
            return (
              <article key={ev.id} className="card" data-testid="staff-event">
                <span className="badge badge-brand">{m.contestWork.eventKinds[ev.kind]}</span>
                <h2 style={{ marginTop: 8 }}>{ev.title}</h2>
                <p className="muted">
                  {formatDateTime(ev.starts_at, locale)} · {ev.location} · {e.seatsLeft(ev.seats - ev.seats_taken, ev.seats)}
                </p>
                <h3>{e.registrations}</h3>
                {people.length === 0 ? (
                  <p className="muted small">{e.noRegistrations}</p>
                ) : (
                  <ol>
                    {people.map((p) => (
                      <li key={p.email}>
                        {p.display_name} <span className="muted small">({p.email})</span>
                      </li>
                    ))}
                  </ol>
                )}
              </article>
            );
          })}
        </section>
        <aside className="card">
          <h2>{e.add}</h2>
          <FormAlert failure={failure} />
          <AppForm className="form" noValidate>
            <SelectField name="kind" label={e.kind} required failure={failure} options={EVENT_KINDS.map((k) => ({ value: k, label: m.contestWork.eventKinds[k] }))} />
            <Field name="title" label={e.title} required failure={failure} />
            <Field name="startsAt" type="datetime-local" label={e.startsAt} required failure={failure} />
            <Field name="location" label={e.location} required failure={failure} />
            <Field name="seats" label={e.seats} inputMode="numeric" required failure={failure} />
            <div className="button-row">
              <SubmitButton>{e.add}</SubmitButton>
            </div>
          </AppForm>
        </aside>
      </div>
    </div>
  );
}
