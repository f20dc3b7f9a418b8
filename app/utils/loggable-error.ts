// Logs carry no personal data (quality bar S7). A PostgreSQL error's message, detail and
// parameters may quote the row it refused (an e-mail, a name), so only its code and the names of
// the constraint, table and column are logged; other errors are logged by their stack.

interface DatabaseErrorFields {
  code: string;
  severity?: unknown;
  constraint_name?: unknown;
  table_name?: unknown;
  column_name?: unknown;
  routine?: unknown;
}

function isDatabaseError(error: Error): error is Error & DatabaseErrorFields {
  const fields = error as Error & Partial<DatabaseErrorFields>;
  return typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code) && "severity" in fields;
}

export function loggableError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown (${typeof error})`;
  if (isDatabaseError(error)) {
    const names = (["constraint_name", "table_name", "column_name", "routine"] as const)
      .filter((key) => typeof error[key] === "string")
      .map((key) => `${key}=${String(error[key])}`);
    const frames = (error.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at "));
    return [`${error.name} ${error.code}${names.length > 0 ? ` (${names.join(", ")})` : ""}`, ...frames].join("\n");
  }
  return error.stack ?? `${error.name}: ${error.message}`;
}
