import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireDevTools } from "../auth/guards.server";
import { AppForm, Field, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { runTick } from "../jobs/tick.server";
import { formatDateTime } from "../utils/dates";
import { wholeNumber, whenFieldsValid } from "../utils/fields";
import { parseForm } from "../utils/forms";
import { invalid } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.dev.clockTitle);

const advanceSchema = z
  .object({ days: wholeNumber(0, 3650), hours: wholeNumber(0, 24 * 365) })
  .refine((v) => v.days + v.hours > 0, { path: ["days"], message: "invalidNumber", ...whenFieldsValid("days", "hours") });

export async function loader(args: LoaderFunctionArgs) {
  await requireDevTools(args);
  const { context } = args;
  const { clock } = context.services;
  return json({ now: clock.now().toISOString(), realNow: new Date().toISOString() });
}

export async function action(args: ActionFunctionArgs) {
  await requireDevTools(args);
  const { request, context } = args;
  const formData = await request.formData();
  const parsed = parseForm(advanceSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const { clock } = context.services;
  if (!clock.advance) throw new Error("This clock cannot be moved");
  await clock.advance((parsed.data.days * 24 + parsed.data.hours) * 3_600_000);
  await runTick(context.services);
  return redirect(withNotice("/dev/clock", "clockAdvanced"));
}

export default function DevClock() {
  const { now, realNow } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const offsetHours = Math.round((Date.parse(now) - Date.parse(realNow)) / 3_600_000);
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 560, margin: "0 auto" }}>
        <h1>{m.dev.clockTitle}</h1>
        <p className="muted">{m.dev.clockIntro}</p>
        <dl className="facts">
          <dt>{m.dev.now}</dt>
          <dd data-testid="clock-now">{formatDateTime(now, locale)}</dd>
          <dt>{m.dev.offset}</dt>
          <dd>{offsetHours}h</dd>
        </dl>
        <FormAlert failure={failure} />
        <AppForm className="form" style={{ marginTop: 16 }} noValidate>
          <div className="form-grid">
            <Field name="days" label={m.dev.advanceDays} inputMode="numeric" defaultValue="1" required failure={failure} />
            <Field name="hours" label={m.dev.advanceHours} inputMode="numeric" defaultValue="0" required failure={failure} />
          </div>
          <SubmitButton>{m.dev.advance}</SubmitButton>
        </AppForm>
      </div>
    </div>
  );
}
