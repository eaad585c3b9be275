/**
 * Data (file names, tags, package and repository names, journal fields, server messages) written into the
 * step summary or the HTML report. One function per sink; every value that came from outside passes one.
 */

/**
 * Characters that open Markdown or HTML: emphasis, code, links and images (`[`, `]`, `!`), raw HTML
 * and autolinks (`<`), entities (`&`), table columns (`|`), strikethrough, math (`$`), escapes (`\`), and the
 * quotes an attribute would end at.
 */
const MARKDOWN_SPECIAL = /[&<>"'\\`*_[\]!|~$]/g

/**
 * Text for a line or a table cell of the step summary: no Markdown, no HTML, no line or column breaks. Each
 * special character becomes a numeric character reference: CommonMark reads one as a literal character, never
 * as markup, and inside an HTML block (`<summary>…</summary>`) the browser decodes it the same way, so one
 * escape is right in every place the summary puts data (backslash escapes are not: an HTML block shows them).
 */
export function markdownText(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(MARKDOWN_SPECIAL, c => `&#${c.charCodeAt(0)};`)
}

/**
 * A value shown as code. An HTML `<code>` element rather than a backtick span: a span cannot hold a backslash
 * before a pipe in a table (GitHub and marked split such a cell differently), and its content is not escaped
 * Markdown but literal, so a value with backticks would need fences counted. GitHub allows `<code>` in a summary.
 */
export function markdownCode(text: string): string {
  return `<code>${markdownText(text)}</code>`
}

/** Text for HTML content or a quoted attribute value. */
export function htmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
