import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { renderSummaryHtml } from '../../src/report/html.js'
import { writeLocalReport } from '../../src/report/localReport.js'
import { renderSummary } from '../../src/report/summary.js'
import { report } from './fixtures.js'

describe('renderSummaryHtml', () => {
  const md = renderSummary(report())

  it('renders the summary with a real Markdown renderer: tables, collapsible sections, Mermaid source', () => {
    const html = renderSummaryHtml(md)
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<h2>Container retention for <code>acme</code> — dry run</h2>')
    expect(html).toContain('<details open>')
    expect(html).toContain('<th>Package</th>')
    expect(html).toContain('<td><code>app</code></td>')
    expect(html).toContain('<pre class="mermaid">graph LR\n')
    // Mermaid reads the element's text, so its own markup arrives escaped and intact.
    expect(html).toContain('v0[&quot;oci-index&lt;br/&gt;sha256:101010101010&quot;]:::kept')
    expect(html).not.toContain('<script')
    expect(html).toContain('this page loads no script')
    expect(html).not.toContain('```')
  })

  it('turns no bare address from data into a link: www., https://, e-mail, <autolink>', () => {
    const html = renderSummaryHtml(
      '| tag |\n| --- |\n| <code>www.evil.example</code> |\n\nfailed: https://evil.example/x a@b.co <https://evil.example/y>\n'
    )
    expect(html).not.toContain('<a ')
    expect(html).toContain('www.evil.example')
    expect(html).toContain('https://evil.example/x')
  })

  it('loads Mermaid only when asked to', () => {
    const html = renderSummaryHtml(md, { mermaidScript: 'https://example.invalid/mermaid.mjs' })
    expect(html).toContain(
      '<script type="module">import mermaid from "https://example.invalid/mermaid.mjs"; mermaid.initialize({ startOnLoad: true })</script>'
    )
  })
})

describe('writeLocalReport', () => {
  it('writes summary.md and summary.html side by side', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'report-local-'))
    try {
      const files = await writeLocalReport(path.join(dir, 'out'), report())
      expect(files).toEqual({
        markdown: path.join(dir, 'out', 'summary.md'),
        html: path.join(dir, 'out', 'summary.html')
      })
      expect(readFileSync(files.markdown, 'utf8')).toBe(renderSummary(report()))
      expect(readFileSync(files.html, 'utf8')).toBe(renderSummaryHtml(renderSummary(report())))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
