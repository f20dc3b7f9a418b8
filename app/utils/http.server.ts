import { json } from "@remix-run/node";
import type { AppError } from "./app-error";
import { formFailure, type FormFailure } from "./forms";

export function notFound(): Response {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}

export function forbidden(): Response {
  return new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

/** A failed form: the page re-renders it in the user's language; nothing was written. */
export function invalid(body: FormFailure, status: 400 | 401 | 402 | 403 | 404 | 409 | 422 | 429 = 422) {
  return json(body, { status });
}

/** Maps a domain refusal to the form's error; anything unexpected goes on to the error boundary. */
export function refusal(error: unknown, formData: FormData) {
  if (isAppError(error)) {
    return json(formFailure(formData, error.code, error.field), { status: error.status });
  }
  throw error;
}

// By name, not class identity: the server and the Remix bundle each hold a copy of AppError.
function isAppError(error: unknown): error is AppError {
  return error instanceof Error && error.name === "AppError" && "code" in error && "status" in error;
}
