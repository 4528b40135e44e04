import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

/**
 * The oracle for "renders as GitHub would": markdown-it, a maintained CommonMark reader, with
 * GitHub's tables, strikethrough and URL autolinks, and raw HTML recognised as HTML (GitHub
 * recognises it, then sanitises it). Escaping tests ask it what a reader makes of the app's
 * markdown instead of trusting a reader of the project's own.
 */
const gfm = new MarkdownIt('default', { html: true, linkify: true });
Object.assign(gfm.options, { maxNesting: 500 });
// GitHub links www. and scheme URLs, not bare domain names.
gfm.linkify.set({ fuzzyLink: false });

/** Every token, blocks and their inline children in document order. */
export function tokensOf(markdown: string): Token[] {
  return gfm.parse(markdown, {}).flatMap((t) => [t, ...(t.children ?? [])]);
}

/** The text a reader sees outside code: text, with escapes and entities resolved. */
export function proseOf(markdown: string): string {
  return tokensOf(markdown)
    .map((t) => (t.type === 'text' ? t.content : t.type.endsWith('break') ? '\n' : ''))
    .join('');
}

/** All the text a reader sees, code included. */
export function renderedText(markdown: string): string {
  return tokensOf(markdown)
    .map((t) =>
      t.type === 'text' || t.type === 'code_inline'
        ? t.content
        : t.type.endsWith('break')
          ? '\n'
          : '',
    )
    .join('');
}

/**
 * What the markdown makes of itself beyond text in paragraphs: the types of every other token
 * (`html_inline`, `link_open`, `em_open`, `heading_open`, ...). Empty for inert text.
 */
export function markupOf(markdown: string): string[] {
  const plain = new Set(['paragraph_open', 'paragraph_close', 'inline', 'text', 'softbreak']);
  return tokensOf(markdown)
    .map((t) => t.type)
    .filter((type) => !plain.has(type));
}

/** The targets of every link the markdown makes (written or autolinked). */
export function linksOf(markdown: string): string[] {
  return tokensOf(markdown)
    .filter((t) => t.type === 'link_open')
    .map((t) => t.attrGet('href') ?? '');
}
