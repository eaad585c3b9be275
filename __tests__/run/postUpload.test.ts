import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { JOURNAL_STATE } from '../../src/execute/artifact.js'
import { post } from '../../src/run/postUpload.js'

function fixture(state: Record<string, string>, inputs: Record<string, string> = {}) {
  const uploads: [string, string][] = []
  const upload = async (file: string, name: string) => {
    uploads.push([file, name])
    return name
  }
  const run = () =>
    post(
      n => state[n] ?? '',
      n => inputs[n] ?? '',
      upload as never
    )
  return { uploads, run }
}

describe('post step', () => {
  const journal = path.join(mkdtempSync(path.join(tmpdir(), 'post-')), 'j.jsonl')
  writeFileSync(journal, '{"type":"header"}\n')

  it('uploads the journal the main step opened and did not upload (killed, cancelled, crashed)', async () => {
    const f = fixture({
      [JOURNAL_STATE.path]: journal,
      [JOURNAL_STATE.artifact]: 'ghcr-retention-journal-1-1-x'
    })
    expect(await f.run()).toBe('uploaded')
    expect(f.uploads).toEqual([[journal, 'ghcr-retention-journal-1-1-x']])
  })

  it('does nothing when the main step uploaded it, opened none, or upload-journal is false', async () => {
    const uploaded = fixture({ [JOURNAL_STATE.path]: journal, [JOURNAL_STATE.uploaded]: 'name' })
    expect(await uploaded.run()).toBe('uploaded-by-main')
    const none = fixture({})
    expect(await none.run()).toBe('no-journal')
    const off = fixture({ [JOURNAL_STATE.path]: journal }, { 'upload-journal': 'false' })
    expect(await off.run()).toBe('upload-off')
    expect([...uploaded.uploads, ...none.uploads, ...off.uploads]).toEqual([])
  })

  it('a journal that is not there is a warning, not an upload', async () => {
    const f = fixture({ [JOURNAL_STATE.path]: journal + '.gone' })
    expect(await f.run()).toBe('missing')
    expect(f.uploads).toEqual([])
  })
})
