import type { SerializeFrom } from "@remix-run/node";
import { FUNDING_MODELS } from "../campaigns/campaign";
import { useMessages } from "../i18n/use-messages";
import type { FormFailure } from "../utils/forms";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, TextAreaField } from "./form";

export interface BasicsValues {
  title: string;
  summary: string;
  story_md: string;
  goal_won: number;
  funding_model: string;
  starts_on: string;
  ends_on: string;
}

export function CampaignBasicsForm({ failure, initial, submitLabel }: { failure: FormFailure | null; initial?: SerializeFrom<BasicsValues>; submitLabel: string }) {
  const m = useMessages();
  const f = m.campaigns.fields;
  const failed = failure?.values.intent === "basics" || failure?.values.intent === undefined ? failure : null;
  return (
    <>
      <FormAlert failure={failed} />
      <AppForm className="form" noValidate>
        <input type="hidden" name="intent" value="basics" />
        <Field name="title" label={f.title} required failure={failed} defaultValue={initial?.title} />
        <Field name="summary" label={f.summary} hint={f.summaryHint} required failure={failed} defaultValue={initial?.summary} />
        <TextAreaField name="story" label={f.story} hint={f.storyHint} rows={10} failure={failed} defaultValue={initial?.story_md} />
        <div className="form-grid">
          <Field name="goal" label={f.goal} inputMode="numeric" required failure={failed} defaultValue={initial?.goal_won} />
          <SelectField
            name="fundingModel"
            label={f.fundingModel}
            required
            failure={failed}
            defaultValue={initial?.funding_model ?? "all_or_nothing"}
            options={FUNDING_MODELS.map((model) => ({ value: model, label: m.common.fundingModels[model] }))}
          />
          <Field name="startsOn" type="date" label={f.startsOn} required failure={failed} defaultValue={initial?.starts_on} />
          <Field name="endsOn" type="date" label={f.endsOn} required failure={failed} defaultValue={initial?.ends_on} />
        </div>
        <div className="button-row">
          <SubmitButton>{submitLabel}</SubmitButton>
        </div>
      </AppForm>
    </>
  );
}
