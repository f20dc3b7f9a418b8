import { describe, expect, it } from "vitest";
import { loggableError } from "./loggable-error";

describe("loggableError", () => {
  it("keeps a database error's code and names, never the values it quotes", () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      name: "PostgresError",
      code: "23505",
      severity: "ERROR",
      detail: "Key (email)=(kim.jumin@example.com) already exists.",
      constraint_name: "users_email_key",
      table_name: "users",
      parameters: ["kim.jumin@example.com", "김주민"],
    });
    const line = loggableError(error);
    expect(line).toContain("PostgresError 23505 (constraint_name=users_email_key, table_name=users)");
    expect(line).not.toContain("kim.jumin");
    expect(line).not.toContain("김주민");
    expect(line).toMatch(/\n\s+at /);
  });

  it("drops a database message that quotes the input", () => {
    const error = Object.assign(new Error('invalid input syntax for type bigint: "kim.jumin@example.com"'), { code: "22P02", severity: "ERROR" });
    expect(loggableError(error)).not.toContain("kim.jumin");
  });

  it("logs other errors with their stack, and says only the type of a thrown non-error", () => {
    expect(loggableError(new TypeError("x is not a function"))).toMatch(/^TypeError: x is not a function\n\s+at /);
    expect(loggableError("kim.jumin@example.com")).toBe("non-error thrown (string)");
  });
});
