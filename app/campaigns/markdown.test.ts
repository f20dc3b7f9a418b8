import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown } from "./markdown";

describe("parseMarkdown", () => {
  it("reads headings, paragraphs, lists and quotes", () => {
    const blocks = parseMarkdown("# 책장을 채워요\n\n주민과 함께\n만듭니다.\n\n- 책장 3개\n- 동화책 200권\n\n1. 모금\n2. 구매\n\n> 고맙습니다");
    expect(blocks.map((b) => b.type)).toEqual(["heading", "paragraph", "list", "list", "quote"]);
    expect(blocks[1]).toEqual({ type: "paragraph", children: [{ type: "text", text: "주민과 함께 만듭니다." }] });
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ text: "책장 3개" }], [{ text: "동화책 200권" }]] });
    expect(blocks[3]).toMatchObject({ ordered: true });
  });
  it("keeps HTML as text: there is no way to inject markup", () => {
    const blocks = parseMarkdown('<script>alert(1)</script> <img src=x onerror="alert(1)">');
    expect(blocks).toEqual([{ type: "paragraph", children: [{ type: "text", text: '<script>alert(1)</script> <img src=x onerror="alert(1)">' }] }]);
  });
  it("allows only http(s) links", () => {
    expect(parseInline("[site](https://example.kr/a)")).toEqual([{ type: "link", href: "https://example.kr/a", children: [{ type: "text", text: "site" }] }]);
    expect(parseInline("[click](javascript:alert(1))").some((node) => node.type === "link")).toBe(false);
    expect(parseInline("[x](data:text/html;base64,AAAA)")).toEqual([{ type: "text", text: "x" }]);
  });
  it("reads bold, italics and code", () => {
    expect(parseInline("**굵게** 와 *기울임* `code`")).toEqual([
      { type: "strong", children: [{ type: "text", text: "굵게" }] },
      { type: "text", text: " 와 " },
      { type: "em", children: [{ type: "text", text: "기울임" }] },
      { type: "text", text: " " },
      { type: "code", text: "code" },
    ]);
  });
});
