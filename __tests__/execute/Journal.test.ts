import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import type { ArtifactClient } from '@actions/artifact'
import type { ExecutionResult } from '../../src/execute/ExecutionResult.js'
import {
  JOURNAL_SCHEMA,
  journalPackage,
  parseJournal,
  readJournal,
  writeJournal,
  type Journal
} from '../../src/execute/Journal.js'
import {
  downloadJournal,
  journalArtifactName,
  openJournal,
  uploadJournal
} from '../../src/execute/artifact.js'
import { silentLogger } from '../../src/log/Logger.js'
import { FakeStore, memoryLogger, planOf } from './fakes.js'

function sample(): Journal {
  const store = new FakeStore()
  const a = store.image(['old'])
  const b = store.image()
  store.image(['latest'])
  const plan = planOf(store, [a, b])
  const result: ExecutionResult = {
    packageName: 'app',
    dryRun: false,
    deleted: [a.id],
    gone: [],
    refused: [],
    failed: [],
    remaining: [b.id],
    untagged: [],
    stoppedReason: 'cancelled',
    restRequests: 1,
    registryRequests: 0,
    deletedVersions: [{ versionId: a.id, digest: a.digest, tags: ['old'], at: '2026-01-02T03:04:05.000Z' }]
  }
  return {
    schema: JOURNAL_SCHEMA,
    mode: 'prune',
    startedAt: '2026-01-02T03:04:00.000Z',
    finishedAt: '2026-01-02T03:04:06.000Z',
    dryRun: false,
    owner: 'acme',
    packages: [journalPackage(plan, result)]
  }
}

describe('journal', () => {
  it('records decisions, what was deleted (id, digest, tags, time) and the backlog', () => {
    const j = sample()
    const p = j.packages[0]
    expect(p.decisions).toHaveLength(3)
    expect(p.deleted).toEqual([
      { id: 100, digest: p.decisions![0].digest, tags: ['old'], at: '2026-01-02T03:04:05.000Z' }
    ])
    expect(p.remaining).toEqual([101])
    expect(p.stoppedReason).toBe('cancelled')
  })

  it('round-trips through an atomic write, leaving no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-'))
    const path = join(dir, 'nested', 'plan.json')
    await writeJournal(path, sample())
    await writeJournal(path, { ...sample(), status: 'ok' })
    expect(await readdir(join(dir, 'nested'))).toEqual(['plan.json'])
    expect((await readJournal(path)).status).toBe('ok')
  })

  it('refuses what is not a journal, naming the file and what it expected', async () => {
    expect(() => parseJournal('{', 'x.json')).toThrow(
      'x.json is not JSON; expected a ghcr-retention journal (ghcr-retention/journal@1)'
    )
    expect(() => parseJournal(JSON.stringify({ ...sample(), schema: 'other@9' }), 'x.json')).toThrow(
      'x.json is not a ghcr-retention journal: schema is "other@9", this version of the action reads "ghcr-retention/journal@1"'
    )
    const bad = sample() as unknown as { packages: { deleted: unknown[] }[] }
    bad.packages[0].deleted = [{ id: '7' }]
    expect(() => parseJournal(JSON.stringify(bad), 'x.json')).toThrow(
      'packages[0].deleted[0] needs a numeric "id", a "digest" and an "at" time'
    )
    await expect(readJournal('/nonexistent/j.json')).rejects.toThrow(
      'restore-from: cannot read the journal file "/nonexistent/j.json"'
    )
  })

  it('a dry-run journal lists no deletions (nothing to restore)', () => {
    const store = new FakeStore()
    const a = store.image(['old'])
    const p = journalPackage(planOf(store, [a]), {
      packageName: 'app',
      dryRun: true,
      deleted: [a.id],
      gone: [],
      refused: [],
      failed: [],
      remaining: [],
      untagged: [],
      restRequests: 0,
      registryRequests: 0
    })
    expect(p.deleted).toEqual([])
  })
})

describe('journal artifact', () => {
  it('names are unique per run attempt and package set, and stable for the same inputs', () => {
    const env = { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' }
    const a = journalArtifactName(env, 'acme', ['app', 'tools'])
    expect(a).toMatch(/^ghcr-retention-journal-42-2-[0-9a-f]{8}$/)
    expect(journalArtifactName(env, 'acme', ['tools', 'app'])).toBe(a)
    expect(journalArtifactName(env, 'acme', ['app'])).not.toBe(a)
  })

  it('outside Actions the upload is skipped with a debug line', async () => {
    const log = memoryLogger()
    expect(await uploadJournal('/tmp/x.json', 'n', log, { env: {} })).toBeUndefined()
    expect(log.lines).toEqual([
      'debug journal not uploaded as an artifact: no Actions runtime (ACTIONS_RUNTIME_TOKEN is not set)'
    ])
  })

  it('uploads the file and downloads it back by name (another run needs its id, repository and token)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'artifact-'))
    const path = join(dir, 'journal.json')
    await writeJournal(path, sample())
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
        await writeFile(join(options!.path!, 'journal.json'), [...stored.values()][0])
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
    const path = join(dir, 'journal.json')
    await writeJournal(path, sample())
    expect((await openJournal(path)).journal.owner).toBe('acme')
    const asked: unknown[] = []
    const client = {
      async getArtifact(name: string, options?: unknown) {
        asked.push([name, options])
        return { artifact: { id: 3, name, size: 1 } }
      },
      async downloadArtifact(_id: number, options?: { path?: string }) {
        await writeFile(join(options!.path!, 'j.json'), JSON.stringify(sample()))
        return { downloadPath: options!.path }
      }
    } as unknown as ArtifactClient
    const env = { RUNNER_TEMP: dir }
    expect((await openJournal('journal-7', { client, env })).journal.schema).toBe(JOURNAL_SCHEMA)
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
