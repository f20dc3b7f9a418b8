import { Form, useActionData, useNavigation, type FormProps } from "@remix-run/react";
import { useId, type ReactNode } from "react";
import { useCsrfToken, useMessages } from "../i18n/use-messages";
import type { ErrorKey } from "../i18n/messages/errors";
import type { FormFailure } from "../utils/forms";

/** Every form posts through here, so every one carries the CSRF token. */
export function AppForm({ children, method = "post", ...props }: FormProps) {
  const token = useCsrfToken();
  return (
    <Form method={method} {...props}>
      <input type="hidden" name="csrf" value={token} />
      {children}
    </Form>
  );
}

function isFormFailure(data: unknown): data is FormFailure {
  return typeof data === "object" && data !== null && (data as { ok?: unknown }).ok === false && "fieldErrors" in data;
}

export function useFormFailure(): FormFailure | null {
  const data = useActionData<unknown>();
  return isFormFailure(data) ? data : null;
}

export function FormAlert({ failure }: { failure: FormFailure | null }) {
  const m = useMessages();
  if (!failure) return null;
  const message = failure.formError ? m.errors[failure.formError] : m.common.formHasErrors;
  return (
    <div className="alert alert-error" role="alert" data-testid="form-error">
      {message}
    </div>
  );
}

/** A field's errors, in the user's language, under the field (its id goes in aria-describedby). */
export function FieldErrorText({ id, name, errors }: { id: string; name: string; errors: readonly ErrorKey[] }) {
  const m = useMessages();
  if (errors.length === 0) return null;
  return (
    <p className="field-error" id={id} data-testid={`error-${name}`}>
      {errors.map((e) => m.errors[e]).join(" ")}
    </p>
  );
}

interface FieldBase {
  name: string;
  label: string;
  hint?: string;
  failure?: FormFailure | null;
  required?: boolean;
}

function FieldShell({ name, label, hint, failure, required, children }: FieldBase & { children: (props: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode }) {
  const m = useMessages();
  const errors = failure?.fieldErrors[name] ?? [];
  // Unique per field instance: a page may hold several forms with a field of the same name.
  const id = `field-${name}-${useId().replace(/:/g, "")}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${errors.length > 0 ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? null : <span className="field-optional"> ({m.common.optional})</span>}
      </label>
      {children({ id, describedBy, invalid: errors.length > 0 })}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldErrorText id={`${id}-error`} name={name} errors={errors} />
    </div>
  );
}

export function Field({
  type = "text",
  defaultValue,
  autoComplete,
  inputMode,
  placeholder,
  ...base
}: FieldBase & { type?: string; defaultValue?: string | number | null; autoComplete?: string; inputMode?: "numeric" | "email" | "text"; placeholder?: string }) {
  const kept = type === "password" ? undefined : (base.failure?.values[base.name] ?? (defaultValue ?? undefined));
  return (
    <FieldShell {...base}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          name={base.name}
          type={type}
          defaultValue={kept === undefined ? undefined : String(kept)}
          autoComplete={autoComplete}
          inputMode={inputMode}
          placeholder={placeholder}
          required={base.required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
        />
      )}
    </FieldShell>
  );
}

export function TextAreaField({ defaultValue, rows = 4, ...base }: FieldBase & { defaultValue?: string | null; rows?: number }) {
  const kept = base.failure?.values[base.name] ?? defaultValue ?? undefined;
  return (
    <FieldShell {...base}>
      {({ id, describedBy, invalid }) => (
        <textarea id={id} name={base.name} rows={rows} defaultValue={kept} required={base.required} aria-invalid={invalid || undefined} aria-describedby={describedBy} />
      )}
    </FieldShell>
  );
}

export function SelectField({
  options,
  defaultValue,
  placeholder,
  ...base
}: FieldBase & { options: { value: string; label: string }[]; defaultValue?: string | null; placeholder?: string }) {
  const kept = base.failure?.values[base.name] ?? defaultValue ?? "";
  return (
    <FieldShell {...base}>
      {({ id, describedBy, invalid }) => (
        <select id={id} name={base.name} defaultValue={kept} required={base.required} aria-invalid={invalid || undefined} aria-describedby={describedBy}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

export function SubmitButton({ children, name, value, variant = "primary" }: { children: ReactNode; name?: string; value?: string; variant?: "primary" | "secondary" | "danger" }) {
  const navigation = useNavigation();
  const m = useMessages();
  const busy = navigation.state === "submitting";
  return (
    <button type="submit" className={`button button-${variant}`} name={name} value={value} disabled={busy} aria-busy={busy || undefined}>
      {busy && navigation.formData?.get(name ?? "") === (value ?? null) ? m.common.loading : children}
    </button>
  );
}

export interface ChoiceOption {
  value: string;
  label: ReactNode;
  description?: ReactNode;
  disabled?: boolean;
}

/**
 * A group of radio choices as cards: the radio at the start, the label taking the rest of the
 * width (on a 360 px phone too). The whole card is the label, so all of it is the target.
 */
export function ChoiceCards({ name, legend, options, defaultValue, hint, failure }: { name: string; legend: string; options: ChoiceOption[]; defaultValue: string; hint?: string; failure?: FormFailure | null }) {
  const id = `choices-${name}-${useId().replace(/:/g, "")}`;
  const errors = failure?.fieldErrors[name] ?? [];
  const describedBy = [hint ? `${id}-hint` : null, errors.length > 0 ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset className={`field choice-group${errors.length > 0 ? " field-invalid" : ""}`} aria-describedby={describedBy} data-testid={`choices-${name}`}>
      <legend>{legend}</legend>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className="choice-list">
        {options.map((option) => (
          <label key={option.value} className={`choice${option.disabled ? " choice-disabled" : ""}`}>
            <input type="radio" name={name} value={option.value} disabled={option.disabled} defaultChecked={defaultValue === option.value} aria-invalid={errors.length > 0 || undefined} />
            <span className="choice-text">
              {option.label}
              {option.description ? <span className="choice-description">{option.description}</span> : null}
            </span>
          </label>
        ))}
      </div>
      <FieldErrorText id={`${id}-error`} name={name} errors={errors} />
    </fieldset>
  );
}
