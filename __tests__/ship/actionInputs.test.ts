// src/model/actionInputs.ts (the input names and descriptions the CLI and the settings types use) is generated
// from action.yml; this fails when someone edits one without regenerating the other.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { repoRoot } from './repoFiles.js'

const generator = path.join(repoRoot, 'script/action-inputs.mjs')
const check = (...args: string[]) =>
  spawnSync(process.execPath, [generator, '--check', ...args], { cwd: repoRoot, encoding: 'utf8' })

describe('src/model/actionInputs.ts', () => {
  it('is what script/action-inputs.mjs makes of action.yml', () => {
    const result = check()
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' })
  }, 30_000)

  it('is reported stale when action.yml gains an input', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'action-inputs-'))
    try {
      const action = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8').replace(
        /^inputs:\n/m,
        "inputs:\n  new-input:\n    description: 'New.'\n    required: false\n    default: ''\n"
      )
      writeFileSync(path.join(dir, 'action.yml'), action)
      const result = check('--action', path.join(dir, 'action.yml'))
      expect(result.status).toBe(1)
      expect(result.stderr).toContain('is stale: run `node script/action-inputs.mjs`')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
