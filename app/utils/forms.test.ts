import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseForm } from "./forms";

const schema = z.object({ title: z.string(), note: z.string() });

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe("parseForm", () => {
  it("refuses control characters in any field, NUL included, and keeps them out of the values shown back", () => {
    const parsed = parseForm(schema, form({ title: "제목\u0000", note: "ok" }));
    expect(parsed).toMatchObject({ ok: false, fieldErrors: { title: ["invalidCharacters"] }, values: { title: "제목", note: "ok" } });
    expect(parseForm(schema, form({ title: "a", note: "\u001b[31m" }))).toMatchObject({ ok: false, fieldErrors: { note: ["invalidCharacters"] } });
    expect(parseForm(schema, form({ title: "a", note: "x", "bad\u0000name": "y" }))).toMatchObject({ ok: false, fieldErrors: { _form: ["invalidCharacters"] } });
  });

  it("accepts tabs and line breaks", () => {
    expect(parseForm(schema, form({ title: "a\tb", note: "line 1\r\nline 2" }))).toEqual({ ok: true, data: { title: "a\tb", note: "line 1\r\nline 2" } });
  });
});
