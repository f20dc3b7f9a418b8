import type { z } from "zod";
import { isErrorKey, type ErrorKey } from "../i18n/messages/errors";
import { hasControlCharacter, withoutControlCharacters } from "./control-characters";

export type FieldErrors = Partial<Record<string, ErrorKey[]>>;

/** What a failed action returns; the page re-renders with translated messages and the values kept. */
export interface FormFailure {
  ok: false;
  fieldErrors: FieldErrors;
  formError?: ErrorKey;
  values: Record<string, string>;
}

export type ParseResult<T> = { ok: true; data: T } | FormFailure;

const SECRET_FIELDS = /password|csrf|card/i;


export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !SECRET_FIELDS.test(key)) values[key] = withoutControlCharacters(value.slice(0, 5000));
  }
  return values;
}

function keyForIssue(issue: z.core.$ZodIssue): ErrorKey {
  if (isErrorKey(issue.message)) return issue.message;
  switch (issue.code) {
    case "too_small":
      return "tooShort";
    case "too_big":
      return "tooLong";
    case "invalid_value":
      return "invalidChoice";
    default:
      return "invalid";
  }
}


/** Parses a form with a zod schema whose messages are ErrorKeys. */
export function parseForm<S extends z.ZodType>(schema: S, formData: FormData): ParseResult<z.output<S>> {
  const raw: Record<string, string | string[]> = {};
  const unreadable: FieldErrors = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === "string");
    raw[key] = all.length > 1 ? all : (all[0] ?? "");
    // No one types control characters (PostgreSQL refuses NUL): the field is refused, not stored.
    if (hasControlCharacter(key, { allowLineBreaks: false })) unreadable._form = ["invalidCharacters"];
    else if (all.some((v) => hasControlCharacter(v, { allowLineBreaks: true }))) unreadable[key] = ["invalidCharacters"];
  }
  if (Object.keys(unreadable).length > 0) return { ok: false, fieldErrors: unreadable, values: formValues(formData) };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "_form";
    const list = fieldErrors[field] ?? [];
    const key = keyForIssue(issue);
    if (!list.includes(key)) list.push(key);
    fieldErrors[field] = list;
  }
  return { ok: false, fieldErrors, values: formValues(formData) };
}

export function formFailure(formData: FormData, error: ErrorKey, field?: string): FormFailure {
  return {
    ok: false,
    fieldErrors: field ? { [field]: [error] } : {},
    formError: field ? undefined : error,
    values: formValues(formData),
  };
}
