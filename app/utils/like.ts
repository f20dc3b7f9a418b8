/** A LIKE pattern matching values that start with `prefix`, with LIKE's wildcards escaped. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[%_\\]/g, "\\$&")}%`;
}
