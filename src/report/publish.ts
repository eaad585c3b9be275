import * as core from '@actions/core'
import { actionsLog, type ActionsLog } from '../log/actionsLog.js'
import { stdoutCaughtUp } from '../log/stdoutBacklog.js'
import type { RunReport } from './RunReport.js'
import { packageLogEntries } from './packageLog.js'
import { capAnnotations, collectAnnotations, type Annotation } from './annotations.js'
import { computeOutputs, type ComputedOutputs } from './outputs.js'
import { renderSummary, SUMMARY_LIMIT_BYTES } from './summary.js'

/** The log and outputs the reports use; tests pass a recorder, the action the escaping log and core's outputs. */
export type ReportSink = Pick<
  ActionsLog,
  'info' | 'debug' | 'startGroup' | 'endGroup' | 'warning' | 'notice' | 'error'
> &
  Pick<typeof core, 'setOutput'> & {
    /** A promise while the log's reader is behind (stdoutCaughtUp); the decision lines wait for it. */
    readonly caughtUp?: () => Promise<void> | undefined
  }

const runnerSink: ReportSink = {
  ...actionsLog,
  setOutput: (name, value) => core.setOutput(name, value),
  caughtUp: () => stdoutCaughtUp()
}

/**
 * Decision lines, grouped per package (deletions, then keeps), reasons at debug level. Each line is made as it
 * is written, and the writing waits while the log's reader is behind: memory stays bounded at any size.
 */
export async function emitLog(report: RunReport, sink: ReportSink = runnerSink): Promise<void> {
  for (const pkg of report.packages) {
    for (const entry of packageLogEntries(pkg, report.dryRun)) {
      const behind = sink.caughtUp?.()
      if (behind) await behind
      switch (entry.kind) {
        case 'group':
          sink.startGroup(entry.title)
          break
        case 'endgroup':
          sink.endGroup()
          break
        case 'info':
          sink.info(entry.text)
          break
        case 'debug':
          sink.debug(entry.text)
          break
      }
    }
  }
}

export function emitAnnotations(report: RunReport, sink: ReportSink = runnerSink): Annotation[] {
  const list = capAnnotations(collectAnnotations(report))
  for (const a of list) sink[a.level](a.message, { title: a.title })
  return list
}

/**
 * Sets the step outputs. @actions/core writes each to the GITHUB_OUTPUT file as `name<<delimiter` blocks with
 * a random delimiter, so a value with line breaks cannot spill into another output.
 */
export function emitOutputs(report: RunReport, sink: ReportSink = runnerSink): ComputedOutputs {
  const computed = computeOutputs(report)
  for (const [name, value] of Object.entries(computed.outputs)) sink.setOutput(name, value)
  for (const note of computed.notes) {
    if (note.level === 'notice') sink.notice(note.text, { title: 'Outputs' })
    else sink.info(note.text)
  }
  return computed
}

export interface SummaryWriter {
  (markdown: string): Promise<void>
}

const coreSummaryWriter: SummaryWriter = async markdown => {
  await core.summary.addRaw(markdown, true).write()
}

/**
 * Appends the Markdown summary to GITHUB_STEP_SUMMARY. Off a runner (no such variable) it says so and goes on:
 * a missing summary must not fail a run whose deletions already happened.
 */
export async function writeStepSummary(
  report: RunReport,
  sink: ReportSink = runnerSink,
  write: SummaryWriter = coreSummaryWriter,
  env: NodeJS.ProcessEnv = process.env
): Promise<string | undefined> {
  if (!env.GITHUB_STEP_SUMMARY) {
    sink.info('Step summary skipped: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    return undefined
  }
  const markdown = renderSummary(report)
  const size = Buffer.byteLength(markdown, 'utf8')
  if (size > SUMMARY_LIMIT_BYTES) {
    sink.warning(`The step summary would be ${size} bytes, over GitHub's limit; it was not written.`, {
      title: 'Step summary'
    })
    return undefined
  }
  try {
    await write(markdown)
  } catch (err) {
    sink.warning(`Could not write the step summary: ${err instanceof Error ? err.message : String(err)}`, {
      title: 'Step summary'
    })
    return undefined
  }
  return markdown
}

/** Everything a run shows a user on GitHub: log, annotations, outputs and the step summary. */
export async function publishReport(
  report: RunReport,
  sink: ReportSink = runnerSink,
  write: SummaryWriter = coreSummaryWriter,
  env: NodeJS.ProcessEnv = process.env
): Promise<ComputedOutputs> {
  await emitLog(report, sink)
  emitAnnotations(report, sink)
  const computed = emitOutputs(report, sink)
  await writeStepSummary(report, sink, write, env)
  return computed
}
