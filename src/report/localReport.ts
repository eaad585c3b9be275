import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { RunReport } from './RunReport.js'
import { renderSummary, type SummaryOptions } from './summary.js'
import { renderSummaryHtml, type HtmlOptions } from './html.js'

export interface LocalReportFiles {
  readonly markdown: string
  readonly html: string
}

/**
 * Writes the step summary of a run as `summary.md` and `summary.html` in `dir`, for the local demo and for
 * runs outside GitHub: the same document a runner would show, openable in a browser.
 */
export async function writeLocalReport(
  dir: string,
  report: RunReport,
  opts: SummaryOptions & HtmlOptions = {}
): Promise<LocalReportFiles> {
  await mkdir(dir, { recursive: true })
  const md = renderSummary(report, opts)
  const files = { markdown: path.join(dir, 'summary.md'), html: path.join(dir, 'summary.html') }
  await writeFile(files.markdown, md, 'utf8')
  await writeFile(files.html, renderSummaryHtml(md, opts), 'utf8')
  return files
}
