import type { ErrorKey } from "../i18n/messages/errors";

/** A refusal the user can act on: a message key in both languages, an HTTP status, maybe a field. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorKey,
    readonly status: 400 | 401 | 402 | 403 | 404 | 409 | 422 | 429 = 422,
    readonly field?: string,
  ) {
    super(code);
    this.name = "AppError";
  }
}
