interface PgError {
  code?: string;
  constraint_name?: string;
  constraint?: string;
}

function asPgError(error: unknown): PgError | null {
  return typeof error === "object" && error !== null ? (error as PgError) : null;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = asPgError(error);
  if (pg?.code !== "23505") return false;
  return constraint === undefined || (pg.constraint_name ?? pg.constraint) === constraint;
}

export function isCheckViolation(error: unknown, constraint?: string): boolean {
  const pg = asPgError(error);
  if (pg?.code !== "23514") return false;
  return constraint === undefined || (pg.constraint_name ?? pg.constraint) === constraint;
}

export function pgErrorCode(error: unknown): string | undefined {
  return asPgError(error)?.code;
}
