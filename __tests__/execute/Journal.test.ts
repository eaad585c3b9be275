import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import type { ArtifactClient } from '@actions/artifact'
import { parseJournal, planRecords, readJournal, settingsDigest } from '../../src/execute/Journal.js'
import {
  defaultJournalFile,
  downloadJournal,
  journalArtifactName,
  openJournal,
  uploadJournal
} from '../../src/execute/artifact.js'
import { silentLogger } from '../../src/log/Logger.js'
import { FakeStore, memoryLogger, planOf } from './fakes.js'
import { digestOf, end, header, intent, jsonl, packageEnd, result } from './journalText.js'

/** A prune that deleted 100 (answered), sent 101 (no answer: killed), left 102 for the next run. */
function sample(): string {
  const store = new FakeStore()
  const a = store.image(['old'])
  const b = store.image()
  store.image(['latest'])
  const plan = planOf(store, [a, b])
  return jsonl([
    header(),
    ...planRecords(plan, '2026-01-02T03:04:01.000Z'),
    intent(100, { digest: a.digest, tags: ['old'] }),
    result(100, 'deleted', { digest: a.digest }),
    packageEnd([101], { stoppedReason: 'cancelled' }),
    end
  ])
}

describe('journal (JSON Lines)', () => {
  it('folds decisions, deletes with their answers, the backlog and the end', () => {
    const j = parseJournal(sample(), 'j.jsonl')
    expect(j).toEqual(expect.objectContaining({ owner: 'acme', mode: 'prune', dryRun: false, status: 'ok' }))
    expect(j.complete).toBe(true)
    expect(j.torn).toBe(false)
    const p = j.packages[0]
    expect(p.decisions).toHaveLength(3)
    expect(p.decisions[0].versionId).toBe(100)
    expect(p.deleted).toEqual([
      { id: 100, digest: p.decisions[0].digest, tags: ['old'], at: '2026-01-02T03:04:06.000Z', line: 6 }
    ])
    expect(p.unconfirmed).toEqual([])
    expect(p.remaining).toEqual([101])
    expect(p.stoppedReason).toBe('cancelled')
  })

  it('a delete sent with no answer recorded is unconfirmed: it may have happened', () => {
    const j = parseJournal(jsonl([header(), intent(5), result(5), intent(6)]), 'k.jsonl')
    expect(j.complete).toBe(false)
    expect(j.packages[0].deleted.map(d => d.id)).toEqual([5])
    expect(j.packages[0].unconfirmed).toEqual([
      { id: 6, digest: digestOf(6), tags: [], at: '2026-01-02T03:04:05.000Z', line: 4 }
    ])
  })

  it('a torn last line (a killed writer) is left out and said so; torn anywhere else is an error', () => {
    const whole = jsonl([header(), intent(5), result(5)])
    const torn = whole + JSON.stringify(intent(6)).slice(0, 30)
    const j = parseJournal(torn, 'k.jsonl')
    expect(j.torn).toBe(true)
    expect(j.packages[0].deleted.map(d => d.id)).toEqual([5])
    const middle = jsonl([header(), JSON.stringify(intent(6)).slice(0, 30), result(5)])
    expect(() => parseJournal(middle, 'k.jsonl')).toThrow('k.jsonl line 2: is not JSON: ')
  })

  it.each([
    [
      '"after": 5',
      [header(), intent(5, { after: 5 })],
      'x.jsonl line 2: ("delete-intent") "after" must be array'
    ],
    [
      'a string id',
      [header(), intent(5, { id: '5' })],
      'x.jsonl line 2: ("delete-intent") "id" must be integer'
    ],
    [
      'no digest',
      [header(), { ...intent(5), digest: undefined }],
      'x.jsonl line 2: ("delete-intent") the record lacks "digest"'
    ],
    [
      'a digest with markup',
      [header(), intent(5, { digest: 'sha256:<img src=x>' })],
      'x.jsonl line 2: ("delete-intent") "digest" must match pattern'
    ],
    [
      'an unknown field',
      [header(), intent(5, { extra: 1 })],
      'x.jsonl line 2: ("delete-intent") the record has a field the format does not define: "extra"'
    ],
    [
      'an unknown record',
      [header(), { type: 'delete-intnet' }],
      'x.jsonl line 2: ("delete-intnet") "type" "delete-intnet" is not a journal record type'
    ],
    [
      'a bad outcome',
      [header(), intent(5), result(5, 'gone' as 'deleted')],
      'x.jsonl line 3: ("delete-result") "outcome" must be "deleted" or'
    ],
    [
      'a result with no intent',
      [header(), result(5)],
      'x.jsonl line 2: is the result of deleting version 5 of "app" with no "delete-intent" before it'
    ],
    [
      'a result for another digest',
      [header(), intent(5), result(5, 'deleted', { digest: digestOf(9) })],
      `x.jsonl line 3: records digest "${digestOf(9)}" for version 5, but its intent on line 2`
    ],
    [
      'no header',
      [intent(5)],
      'x.jsonl line 1: is a "delete-intent" record; a journal starts with its "header" record'
    ],
    ['a second header', [header(), header()], 'x.jsonl line 2: is a second "header" record'],
    [
      'another version',
      [header({ version: 9 })],
      'x.jsonl line 1: is version 9 of ghcr-retention/journal; this version of the action reads version 2'
    ],
    ['a line after the end', [header(), end, intent(5)], 'x.jsonl line 3: follows the "end" record'],
    ['an array line', [header(), [1]], 'x.jsonl line 2: is not a JSON object']
  ])('refuses %s, naming the line and the field', (_what, records, message) => {
    expect(() => parseJournal(jsonl(records), 'x.jsonl')).toThrow(message)
  })

  it('names the earlier JSON document format instead of failing on its first line', () => {
    const old = JSON.stringify({ schema: 'ghcr-retention/journal@1', packages: [] }, null, 2)
    expect(() => parseJournal(old, 'old.json')).toThrow(
      'old.json: is a journal of the earlier format "ghcr-retention/journal@1"; this version of the action reads ghcr-retention/journal version 2'
    )
    expect(() => parseJournal('', 'e.jsonl')).toThrow('e.jsonl: is empty')
  })

  it('a file that cannot be read is named', async () => {
    await expect(readJournal('/nonexistent/j.jsonl')).rejects.toThrow(
      'restore-from: cannot read the journal file "/nonexistent/j.jsonl"'
    )
  })
})

describe('journal file and artifact names', () => {
  it('the default journal file is unique per step (GITHUB_ACTION) and run attempt', () => {
    const env = { RUNNER_TEMP: '/rt', GITHUB_ACTION: '__acme_ghcr-retention', GITHUB_RUN_ATTEMPT: '2' }
    expect(defaultJournalFile(env)).toBe('/rt/ghcr-retention-journal-__acme_ghcr-retention-attempt2.jsonl')
    const second = defaultJournalFile({ ...env, GITHUB_ACTION: '__acme_ghcr-retention_2' })
    expect(second).toBe('/rt/ghcr-retention-journal-__acme_ghcr-retention_2-attempt2.jsonl')
    expect(defaultJournalFile({ ...env, GITHUB_RUN_ATTEMPT: '3' })).not.toBe(defaultJournalFile(env))
    expect(defaultJournalFile({}, '/work')).toBe('/work/ghcr-retention-journal.jsonl')
    // What reaches a file name is only what a file name may hold.
    expect(defaultJournalFile({ RUNNER_TEMP: '/rt', GITHUB_ACTION: '../x/y' })).toBe(
      '/rt/ghcr-retention-journal-..xy.jsonl'
    )
  })

  it('artifact names are unique per run attempt, step, job and package set, and stable for the same inputs', () => {
    const env = {
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_ACTION: '__acme_ghcr-retention',
      GITHUB_JOB: 'prune'
    }
    const a = journalArtifactName(env, 'acme', ['app', 'tools'])
    expect(a).toMatch(/^ghcr-retention-journal-42-2-__acme_ghcr-retention-[0-9a-f]{8}$/)
    expect(journalArtifactName(env, 'acme', ['tools', 'app'])).toBe(a)
    expect(journalArtifactName(env, 'acme', ['app'])).not.toBe(a)
    // Two steps of the action in one job, same owner and packages:
    expect(
      journalArtifactName({ ...env, GITHUB_ACTION: '__acme_ghcr-retention_2' }, 'acme', ['app', 'tools'])
    ).not.toBe(a)
    expect(journalArtifactName({ ...env, GITHUB_JOB: 'other' }, 'acme', ['app', 'tools'])).not.toBe(a)
    expect(journalArtifactName({ ...env, GITHUB_RUN_ATTEMPT: '3' }, 'acme', ['app', 'tools'])).not.toBe(a)
  })
})

describe('journal artifact', () => {
  it('outside Actions the upload is skipped with a debug line', async () => {
    const log = memoryLogger()
    expect(await uploadJournal('/tmp/x.jsonl', 'n', log, { env: {} })).toBeUndefined()
    expect(log.lines).toEqual([
      'debug journal not uploaded as an artifact: no Actions runtime (ACTIONS_RUNTIME_TOKEN is not set)'
    ])
  })

  it('uploads the file and downloads it back by name (another run needs its id, repository and token)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'artifact-'))
    const path = join(dir, 'journal.jsonl')
    await writeFile(path, sample())
    const stored = new Map<string, string>()
    const seen: unknown[] = []
    const client = {
      async uploadArtifact(name: string, files: string[]) {
        stored.set(name, await readFile(files[0], 'utf8'))
        return { id: 7, size: 1 }
      },
      async getArtifact(name: string, options?: unknown) {
        seen.push(options)
        if (!stored.has(name)) throw new Error('Artifact not found')
        return { artifact: { id: 7, name, size: 1 } }
      },
      async downloadArtifact(_id: number, options?: { path?: string }) {
        await writeFile(join(options!.path!, 'journal.jsonl'), [...stored.values()][0])
        return { downloadPath: options!.path }
      }
    } as unknown as ArtifactClient
    expect(await uploadJournal(path, 'j-1', silentLogger, { client })).toBe('j-1')
    const out = await mkdtemp(join(tmpdir(), 'artifact-out-'))
    const got = await downloadJournal(
      'j-1',
      { runId: 99, repository: 'acme/app', token: 't' },
      { client, dir: out }
    )
    expect((await readJournal(got)).owner).toBe('acme')
    expect(seen[0]).toEqual({
      findBy: { token: 't', workflowRunId: 99, repositoryOwner: 'acme', repositoryName: 'app' }
    })
    await expect(downloadJournal('nope', {}, { client, dir: out })).rejects.toThrow(
      'restore-from: no workflow artifact named "nope" in this run (Artifact not found)'
    )
    await expect(downloadJournal('j-1', { runId: 99 }, { client, env: {} })).rejects.toThrow(
      'needs the repository (owner/repo) and a token with actions: read'
    )
  })

  it('restore-from: a file path, else an artifact of this run, else <run-id>/<artifact-name>', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'open-'))
    const path = join(dir, 'journal.jsonl')
    await writeFile(path, sample())
    expect((await openJournal(path)).journal.owner).toBe('acme')
    const asked: unknown[] = []
    const client = {
      async getArtifact(name: string, options?: unknown) {
        asked.push([name, options])
        return { artifact: { id: 3, name, size: 1 } }
      },
      async downloadArtifact(_id: number, options?: { path?: string }) {
        await writeFile(join(options!.path!, 'j.jsonl'), sample())
        return { downloadPath: options!.path }
      }
    } as unknown as ArtifactClient
    const env = { RUNNER_TEMP: dir }
    expect((await openJournal('journal-7', { client, env })).journal.header.version).toBe(2)
    await openJournal('12345/journal-7', { client, env, token: 't', repository: 'acme/app' })
    expect(asked).toEqual([
      ['journal-7', undefined],
      [
        'journal-7',
        { findBy: { token: 't', workflowRunId: 12345, repositoryOwner: 'acme', repositoryName: 'app' } }
      ]
    ])
    await expect(openJournal('journal-7', { env: {} })).rejects.toThrow(
      'restore-from: "journal-7" is not a file here, and an artifact of the current run can only be read inside GitHub Actions'
    )
  })
})

describe('settings digest', () => {
  it('leaves the token out, follows what changes, and survives a cycle in a compiled pattern', () => {
    const a = settingsDigest({ token: 'ghp_one', owner: 'acme', policy: { keepTags: [{ source: 'v*' }] } })
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(
      settingsDigest({ token: 'ghp_two', owner: 'acme', policy: { keepTags: [{ source: 'v*' }] } })
    ).toBe(a)
    expect(
      settingsDigest({ token: 'ghp_one', owner: 'acme', policy: { keepTags: [{ source: 'w*' }] } })
    ).not.toBe(a)
    const cyclic: Record<string, unknown> = { source: 'x' }
    cyclic.self = cyclic
    expect(settingsDigest({ owner: 'acme', cyclic })).toMatch(/^sha256:/)
  })
})
