import { json } from "@remix-run/node";
import { AppError } from "../utils/app-error";
import type { Database } from "../utils/db.server";
import { formFailure, parseForm, type FormFailure } from "../utils/forms";
import { invalid } from "../utils/http.server";
import { IneligibleError, saveApplication } from "./applications.server";
import { applicationSchema, submitApplicationSchema } from "./contests";
import { reasonCodes } from "./eligibility";

export type ApplicationFailure = FormFailure & { reasons?: string[] };

/**
 * The save-or-submit step shared by "apply" and "edit": parses with the stricter schema when
 * submitting, and turns an eligibility refusal into the list of reasons the page shows.
 */
export async function saveOrSubmit(
  db: Database,
  formData: FormData,
  args: { contestId: number; enterpriseId: number; applicationId: number | null; userId: number; now: Date },
): Promise<{ ok: true; id: number; submitted: boolean } | Response> {
  const submit = formData.get("intent") === "submit";
  const parsed = parseForm(submit ? submitApplicationSchema : applicationSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    const id = await saveApplication(db, { ...args, input: parsed.data, submit });
    return { ok: true, id, submitted: submit };
  } catch (error) {
    if (error instanceof IneligibleError) {
      const body: ApplicationFailure = { ...formFailure(formData, "notEligible"), reasons: reasonCodes({ eligible: false, reasons: error.reasons }) };
      return json(body, { status: 422 });
    }
    if (error instanceof AppError) return json(formFailure(formData, error.code, error.field), { status: error.status });
    throw error;
  }
}
