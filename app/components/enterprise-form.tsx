import type { SerializeFrom } from "@remix-run/node";
import { useMessages } from "../i18n/use-messages";
import { ENTERPRISE_TYPES } from "../orgs/enterprises";
import type { FormFailure } from "../utils/forms";
import { AppForm, Field, FormAlert, SelectField, SubmitButton } from "./form";

export interface EnterpriseFormValues {
  name: string;
  type: string;
  host_id: number;
  representative: string;
  district: string;
  business: string;
  registration_number: string | null;
  certified_on: string | null;
  employees: number;
  vulnerable_employees: number;
}

export function EnterpriseForm({
  hosts,
  failure,
  initial,
  submitLabel,
}: {
  hosts: SerializeFrom<{ id: number; name: string }>[];
  failure: FormFailure | null;
  initial?: SerializeFrom<EnterpriseFormValues>;
  submitLabel: string;
}) {
  const m = useMessages();
  const f = m.enterprises.fields;
  return (
    <>
      <FormAlert failure={failure} />
      <AppForm className="form" noValidate>
        <div className="form-grid">
          <div className="span-2">
            <Field name="name" label={f.name} required failure={failure} defaultValue={initial?.name} />
          </div>
          <SelectField
            name="type"
            label={f.type}
            required
            failure={failure}
            defaultValue={initial?.type}
            placeholder="—"
            options={ENTERPRISE_TYPES.map((t) => ({ value: t, label: m.common.enterpriseTypes[t] }))}
          />
          <SelectField
            name="hostId"
            label={f.host}
            hint={f.hostHint}
            required
            failure={failure}
            defaultValue={initial ? String(initial.host_id) : undefined}
            placeholder="—"
            options={hosts.map((h) => ({ value: String(h.id), label: h.name }))}
          />
          <Field name="representative" label={f.representative} required failure={failure} defaultValue={initial?.representative} />
          <Field name="district" label={f.district} hint={f.districtHint} required failure={failure} defaultValue={initial?.district} />
          <div className="span-2">
            <Field name="business" label={f.business} required failure={failure} defaultValue={initial?.business} />
          </div>
          <Field
            name="registrationNumber"
            label={f.registrationNumber}
            hint={f.registrationNumberHint}
            inputMode="numeric"
            failure={failure}
            defaultValue={initial?.registration_number}
          />
          <Field name="certifiedOn" type="date" label={f.certifiedOn} hint={f.certifiedOnHint} failure={failure} defaultValue={initial?.certified_on} />
          <Field name="employees" label={f.employees} inputMode="numeric" required failure={failure} defaultValue={initial?.employees ?? 0} />
          <Field
            name="vulnerableEmployees"
            label={f.vulnerableEmployees}
            inputMode="numeric"
            required
            failure={failure}
            defaultValue={initial?.vulnerable_employees ?? 0}
          />
        </div>
        <div className="button-row">
          <SubmitButton>{submitLabel}</SubmitButton>
        </div>
      </AppForm>
    </>
  );
}
