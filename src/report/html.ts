import { Marked, type Tokens } from 'marked'
import { htmlText } from './escape.js'

/** Mermaid's ES module build, for callers who want the graphs drawn when the page is opened online. */
export const MERMAID_CDN = 'https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs'

export interface HtmlOptions {
  readonly title?: string
  /**
   * URL of Mermaid's ES module. When set, the page loads it to draw the graphs; when not, the page stays
   * self-contained (no network) and shows each graph's source with a note.
   */
  readonly mermaidScript?: string
}

/**
 * The raw HTML the summary writes itself (src/report/summary.ts, src/report/escape.ts), tag for tag, without
 * attributes other than `open`. Data reaches the Markdown escaped already; this is the second line: any other
 * tag in the Markdown, wherever it came from, is shown as text, never parsed.
 */
const ALLOWED_TAG = /<\/?(?:details|summary|strong|sub|code)>|<details open>|<br\/?>/g

function allowedHtmlOnly(raw: string): string {
  let out = ''
  let last = 0
  for (const m of raw.matchAll(ALLOWED_TAG)) {
    out += strayBrackets(raw.slice(last, m.index)) + m[0]
    last = m.index + m[0].length
  }
  return out + strayBrackets(raw.slice(last))
}

/** Text between allowed tags: its entities stay (`&nbsp;`, `&#95;`), its angle brackets open nothing. */
function strayBrackets(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const SAFE_HREF = /^https?:\/\//i

const STYLE = `
  :root { color-scheme: light dark; }
  body { font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
         max-width: 1200px; margin: 2rem auto; padding: 0 1rem; }
  table { border-collapse: collapse; margin: .5rem 0 1rem; display: block; overflow: auto; }
  th, td { border: 1px solid #d0d7de; padding: 4px 10px; vertical-align: top; }
  th { background: rgba(175,184,193,.2); }
  code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: rgba(175,184,193,.2);
         padding: .1em .3em; border-radius: 4px; }
  details { margin: .5rem 0; padding-left: .5rem; border-left: 3px solid #d0d7de; }
  summary { cursor: pointer; }
  blockquote { margin: 0; padding: 0 1em; color: #656d76; border-left: .25em solid #d0d7de; }
  pre.mermaid { background: rgba(175,184,193,.12); padding: .75rem; overflow: auto; }
  .note { color: #656d76; font-size: 12px; }
`

/**
 * Renders the step-summary Markdown as a standalone HTML page with a real Markdown renderer (marked, GFM), so
 * the local demo shows the same document GitHub shows. Mermaid fences become `<pre class="mermaid">`, the
 * element Mermaid draws from. Raw HTML other than the few tags the summary writes is escaped, and links other
 * than http(s) lose their target, so the page runs nothing the data brought (see ALLOWED_TAG).
 */
export function renderSummaryHtml(markdown: string, opts: HtmlOptions = {}): string {
  const marked = new Marked({
    gfm: true,
    // Bare `www.…`, `https://…` and `a@b` text is data (a tag, a server message), never a link.
    tokenizer: {
      url: () => undefined,
      autolink: () => undefined
    },
    renderer: {
      code(token: Tokens.Code) {
        if (token.lang !== 'mermaid') return false
        return `<pre class="mermaid">${htmlText(token.text)}</pre>\n`
      },
      html(token: Tokens.HTML | Tokens.Tag) {
        return allowedHtmlOnly(token.text)
      },
      // The summary writes no links or images; should one appear, only a web link survives, as a link.
      link(token: Tokens.Link) {
        if (SAFE_HREF.test(token.href)) return false
        return this.parser.parseInline(token.tokens)
      },
      image(token: Tokens.Image) {
        return htmlText(token.text)
      }
    }
  })
  const body = marked.parse(markdown, { async: false })
  const hasMermaid = body.includes('<pre class="mermaid">')
  const title = htmlText(opts.title ?? 'Container retention summary')
  const script =
    hasMermaid && opts.mermaidScript
      ? `<script type="module">import mermaid from ${JSON.stringify(opts.mermaidScript)}; ` +
        `mermaid.initialize({ startOnLoad: true })</script>\n`
      : ''
  const note =
    hasMermaid && !opts.mermaidScript
      ? '<p class="note">Graphs are shown as Mermaid source: GitHub draws them in the step summary; this page ' +
        'loads no script.</p>\n'
      : ''
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${title}</title>\n` +
    `<style>${STYLE}</style>\n</head>\n<body>\n${body}${note}${script}</body>\n</html>\n`
  )
}
