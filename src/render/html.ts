/**
 * What the project's HTML pages (the demo page, the audit report) share: escaping and the head
 * every page starts with (no referrer, a Content-Security-Policy of the page's own).
 */

/** Text made safe for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

export interface PageHead {
  title: string;
  /** The page's Content-Security-Policy (the project's own text, not user input). */
  csp: string;
  css: string;
}

/** The document type and head of a page, up to and including `</head>`. */
export function pageHead(head: PageHead): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${head.csp.replace(/"/g, '&quot;')}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(head.title)}</title>
<style>${head.css}</style>
</head>`;
}
