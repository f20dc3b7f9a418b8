import { loggableError } from "../utils/loggable-error";

/**
 * Structured logs: one JSON object per line on standard output. Callers pass ids and codes only —
 * never a URL (paths and queries carry tokens), a password, card data, an e-mail or a name.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, error: unknown, fields?: LogFields): void;
}

/** What is logged of an error: its kind, code and stack, never a database error's message (S7, loggableError). */
function errorFields(error: unknown): LogFields {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return { error_name: error instanceof Error ? error.name : undefined, error_code: typeof code === "string" ? code : undefined, error: loggableError(error).slice(0, 4000) };
}

export function createLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`), base: LogFields = {}): Logger {
  const emit = (level: string, msg: string, fields: LogFields) => write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
  return {
    info: (msg, fields = {}) => emit("info", msg, fields),
    warn: (msg, fields = {}) => emit("warn", msg, fields),
    error: (msg, error, fields = {}) => emit("error", msg, { ...fields, ...errorFields(error) }),
  };
}

/** For tests: keeps the lines instead of printing them. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { ...createLogger((line) => lines.push(line)), lines };
}
