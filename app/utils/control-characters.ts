// Control characters (C0 and DEL) have no place in what people type or in URLs: PostgreSQL
// refuses NUL in text, browsers drop tabs and line breaks from URLs, terminals obey escapes.

function isControl(code: number, allowLineBreaks: boolean): boolean {
  if (allowLineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d)) return false;
  return code < 0x20 || code === 0x7f;
}

/** Whether the text holds a control character; tab, CR and LF are allowed in typed text. */
export function hasControlCharacter(text: string, options: { allowLineBreaks: boolean }): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i), options.allowLineBreaks)) return true;
  return false;
}

/** The text without control characters other than tab, CR and LF. */
export function withoutControlCharacters(text: string): string {
  let kept = "";
  for (let i = 0; i < text.length; i++) if (!isControl(text.charCodeAt(i), true)) kept += text[i];
  return kept;
}
