// A small, safe Markdown subset for campaign stories and updates: headings, paragraphs, lists,
// quotes, bold, italics, inline code and http(s) links. It produces a tree, never HTML, so there
// is nothing to sanitise: text is always rendered as text.

export type Inline =
  | { type: "text"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "code"; text: string }
  | { type: "link"; href: string; children: Inline[] };

export type Block =
  | { type: "heading"; level: 2 | 3 | 4; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "list"; ordered: boolean; items: Inline[][] }
  | { type: "quote"; children: Inline[] };

const SAFE_URL = /^https?:\/\/[^\s<>"']+$/i;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  const pushText = (value: string) => {
    if (!value) return;
    const last = out.at(-1);
    if (last?.type === "text") last.text += value;
    else out.push({ type: "text", text: value });
  };
  while (rest.length > 0) {
    const code = rest.match(/^`([^`]+)`/);
    if (code?.[1] !== undefined) {
      out.push({ type: "code", text: code[1] });
      rest = rest.slice(code[0].length);
      continue;
    }
    const strong = rest.match(/^\*\*(.+?)\*\*/);
    if (strong?.[1] !== undefined) {
      out.push({ type: "strong", children: parseInline(strong[1]) });
      rest = rest.slice(strong[0].length);
      continue;
    }
    const em = rest.match(/^\*([^*\s][^*]*?)\*/);
    if (em?.[1] !== undefined) {
      out.push({ type: "em", children: parseInline(em[1]) });
      rest = rest.slice(em[0].length);
      continue;
    }
    const link = rest.match(/^\[([^\]]+)\]\(([^)\s]+)\)/);
    if (link?.[1] !== undefined && link[2] !== undefined) {
      if (SAFE_URL.test(link[2])) out.push({ type: "link", href: link[2], children: parseInline(link[1]) });
      else pushText(link[1]);
      rest = rest.slice(link[0].length);
      continue;
    }
    const next = rest.slice(1).search(/[`*[]/);
    const cut = next === -1 ? rest.length : next + 1;
    pushText(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ type: "paragraph", children: parseInline(paragraph.join(" ")) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trimEnd();
    if (line.trim() === "") {
      flush();
      continue;
    }
    const heading = line.match(/^(#{1,3})\s+(.*)$/);
    if (heading?.[1] && heading[2] !== undefined) {
      flush();
      blocks.push({ type: "heading", level: (heading[1].length + 1) as 2 | 3 | 4, children: parseInline(heading[2]) });
      continue;
    }
    const bullet = line.match(/^\s*([-*]|\d{1,3}[.)])\s+(.*)$/);
    if (bullet?.[1] && bullet[2] !== undefined) {
      flush();
      const ordered = /\d/.test(bullet[1]);
      const items: Inline[][] = [parseInline(bullet[2])];
      while (i + 1 < lines.length) {
        const next = (lines[i + 1] ?? "").match(/^\s*([-*]|\d{1,3}[.)])\s+(.*)$/);
        if (!next?.[1] || next[2] === undefined || /\d/.test(next[1]) !== ordered) break;
        items.push(parseInline(next[2]));
        i += 1;
      }
      blocks.push({ type: "list", ordered, items });
      continue;
    }
    const quote = line.match(/^>\s?(.*)$/);
    if (quote?.[1] !== undefined) {
      flush();
      blocks.push({ type: "quote", children: parseInline(quote[1]) });
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}
