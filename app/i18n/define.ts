/** A message group in both languages; English must have exactly the Korean keys. */
export function defineMessages<T extends Record<string, unknown>>(messages: { ko: T; en: NoInfer<T> }): { ko: T; en: T } {
  return messages;
}
