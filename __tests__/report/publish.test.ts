import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { publishReport, writeStepSummary, type ReportSink } from '../../src/report/publish.js'
import { appPlan, dg, execution, report } from './fixtures.js'

type Call = [string, ...unknown[]]

function recorder(): { sink: ReportSink; calls: Call[] } {
  const calls: Call[] = []
  const rec =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args])
    }
  const sink = {
    info: rec('info'),
    debug: rec('debug'),
    startGroup: rec('startGroup'),
    endGroup: rec('endGroup'),
    warning: rec('warning'),
    notice: rec('notice'),
    error: rec('error'),
    setOutput: rec('setOutput')
  } as unknown as ReportSink
  return { sink, calls }
}

describe('publishReport', () => {
  it('logs grouped decision lines, annotates, sets outputs and writes the summary', async () => {
    const { sink, calls } = recorder()
    const written: string[] = []
    const r = report({
      dryRun: false,
      packages: [
        {
          plan: appPlan(),
          execution: execution({
            deleted: [241406801, 241387187],
            refused: [{ versionId: 241362761, digest: dg('30'), status: 403, message: 'Forbidden' }]
          })
        }
      ]
    })
    const computed = await publishReport(r, sink, async md => void written.push(md), {
      GITHUB_STEP_SUMMARY: '/x'
    })
    const names = calls.map(c => c[0])
    expect(names.slice(0, 2)).toEqual(['startGroup', 'info'])
    expect(calls[0]).toEqual(['startGroup', 'app: deleted 2 of 7 versions (1 refused)'])
    expect(calls[1][1]).toMatch(/^deleted app:foo package_version=241406801 media_type=oci-index /)
    expect(calls[2]).toEqual(['debug', 'reason package_version=241406801: tag foo is older than 30 days'])
    expect(calls).toContainEqual([
      'warning',
      'package_version=241362761 (HTTP 403): Forbidden',
      { title: 'app: GitHub refused 1 delete' }
    ])
    expect(calls).toContainEqual(['setOutput', 'deleted-count', '2'])
    expect(calls).toContainEqual(['setOutput', 'deleted-versions', '[241406801,241387187]'])
    expect(computed.outputs['kept-count']).toBe('4')
    expect(written).toHaveLength(1)
    expect(written[0]).toContain(
      '<summary><strong>app</strong> — 7 versions: 4 kept, 2 deleted, 1 refused</summary>'
    )
  })

  it('goes on without a summary off a runner, and survives a summary that cannot be written', async () => {
    const { sink, calls } = recorder()
    expect(await writeStepSummary(report(), sink, async () => undefined, {})).toBeUndefined()
    expect(calls).toEqual([
      ['info', 'Step summary skipped: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).']
    ])
    const failing = recorder()
    const md = await writeStepSummary(
      report(),
      failing.sink,
      async () => {
        throw new Error('EACCES')
      },
      { GITHUB_STEP_SUMMARY: '/x' }
    )
    expect(md).toBeUndefined()
    expect(failing.calls).toEqual([
      ['warning', 'Could not write the step summary: EACCES', { title: 'Step summary' }]
    ])
  })

  it('appends the summary to the GITHUB_STEP_SUMMARY file through @actions/core', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'report-summary-'))
    const file = path.join(dir, 'summary.md')
    writeFileSync(file, '')
    const saved = process.env.GITHUB_STEP_SUMMARY
    process.env.GITHUB_STEP_SUMMARY = file
    try {
      const md = await writeStepSummary(report(), recorder().sink, undefined, process.env)
      expect(md).toBeDefined()
      expect(readFileSync(file, 'utf8')).toBe(md + '\n')
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
      else process.env.GITHUB_STEP_SUMMARY = saved
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
