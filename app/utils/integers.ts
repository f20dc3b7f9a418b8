/** Every bigint and aggregate from Postgres passes through here: integer won, or an error. */
export function parseSafeInteger(value: string | number | bigint): number {
  const parsed = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`Not a safe integer: ${String(value)}`);
  }
  return parsed;
}
