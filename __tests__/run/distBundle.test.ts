import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

describe('the bundles', () => {
  // ncc's asset relocator turns `path.resolve(dir, 'literal')` into a path inside dist/ (`__nccwpck_require__.ab`),
  // which broke the CLI's outputs file once; the action and the CLI read no asset of their own.
  it.each(['dist/index.js', 'dist/cli/index.js', 'dist/post/index.js'])(
    '%s has no relocated asset paths',
    file => {
      expect(readFileSync(file, 'utf8')).not.toMatch(/__nccwpck_require__\.ab\s*\+/)
    }
  )

  // action.yml runs.post: the runner hands the main step's saved state to the post step as STATE_<name>.
  it('dist/post/index.js picks up the journal the main step opened and did not upload', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'post-bundle-'))
    const journal = path.join(dir, 'j.jsonl')
    writeFileSync(journal, '{"type":"header"}\n')
    const out = execFileSync(process.execPath, ['dist/post/index.js'], {
      env: {
        PATH: process.env.PATH,
        'STATE_journal-file': journal,
        'STATE_journal-artifact': 'ghcr-retention-journal-1-1-step',
        RUNNER_DEBUG: '1'
      },
      encoding: 'utf8'
    })
    expect(out).toContain(`uploading ${JSON.stringify(journal)} as ghcr-retention-journal-1-1-step`)
    // No Actions runtime here: the upload is skipped, and the post step still ends well.
    expect(out).toContain('::debug::post: not-uploaded')
    const uploaded = execFileSync(process.execPath, ['dist/post/index.js'], {
      env: {
        PATH: process.env.PATH,
        'STATE_journal-file': journal,
        'STATE_journal-uploaded': 'x',
        RUNNER_DEBUG: '1'
      },
      encoding: 'utf8'
    })
    expect(uploaded).toContain('::debug::post: uploaded-by-main')
  })
})
