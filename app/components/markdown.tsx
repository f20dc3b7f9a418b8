import type { ReactNode } from "react";
import { parseMarkdown, type Inline } from "../campaigns/markdown";

function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.type) {
      case "text":
        return node.text;
      case "strong":
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case "em":
        return <em key={i}>{renderInline(node.children)}</em>;
      case "code":
        return <code key={i}>{node.text}</code>;
      case "link":
        return (
          <a key={i} href={node.href} rel="nofollow noopener noreferrer" target="_blank">
            {renderInline(node.children)}
          </a>
        );
    }
  });
}

/** Renders the safe Markdown subset as React elements (text is always text). */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="prose">
      {parseMarkdown(source).map((block, i) => {
        switch (block.type) {
          case "heading": {
            const Tag = `h${block.level}` as "h2" | "h3" | "h4";
            return <Tag key={i}>{renderInline(block.children)}</Tag>;
          }
          case "paragraph":
            return <p key={i}>{renderInline(block.children)}</p>;
          case "quote":
            return <blockquote key={i}>{renderInline(block.children)}</blockquote>;
          case "list": {
            const items = block.items.map((item, j) => <li key={j}>{renderInline(item)}</li>);
            return block.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
          }
        }
      })}
    </div>
  );
}
