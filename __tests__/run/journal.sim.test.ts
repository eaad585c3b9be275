/**
 * No delete without a record, and a restore that trusts nothing it reads: the action (src/index.ts, in a
 * child process as the runner runs it, or in-process through bench/lib/actionRun.ts) against the simulator.
 * - a journal-file that cannot be written: a clear error, zero requests;
 * - a journal that stops growing mid-run (the file size limit, EFBIG): no delete after it, summary and outputs
 *   still written, the step fails;
 * - SIGKILL while GitHub has applied a delete the client never hears of: the journal holds every delete the
 *   registry saw, and a restore from it brings that one back too;
 * - a journal whose ids and digests disagree with GitHub, or with `"after": 5`: nothing restored, the line named.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseJournal } from '../../src/execute/Journal.js'
import { parseOutputsFile } from '../../src/report/outputsFile.js'
import { realisticScenario } from '../../src/sim/fixtures/scenarios.js'
import type { VersionChange } from '../../src/sim/http.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { inputEnv, runAction, simInputs } from '../../bench/lib/actionRun.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const POLICY = { packages: 'app', 'delete-tags': '*', 'keep-n-tagged': '1', 'untagged-grace': '1d' }

let sim: Simulator
let onDelete: ((change: VersionChange) => Promise<void>) | undefined

beforeAll(async () => {
  sim = await startSimulator({
    seed: 5,
    timeScale: 0.001,
    rateLimits: false,
    onVersionChange: async change => {
      if (change.kind === 'deleted') await onDelete?.(change)
    }
  })
  sim.addOwner('acme', 'Organization')
})
afterAll(async () => {
  await sim?.close()
})

/** A fresh copy of the realistic scenario's `app` under a name of its own. */
function loadPackage(name: string): void {
  const app = realisticScenario({ now: Date.now() }).find(p => p.name === 'app')!
  sim.loadPackage({ ...app, name })
}

interface ChildRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly log: string
  readonly outputs: Record<string, string>
  readonly summary: string
}

/**
 * Runs src/index.ts in a child with the inputs as INPUT_* variables (the runner's way). `fileSizeKb` runs it
 * under `ulimit -f`: a write past that size fails with EFBIG, as on a full disk.
 */
function childAction(
  inputs: Record<string, string>,
  options: { fileSizeKb?: number; onStart?: (kill: () => Promise<void>) => void } = {}
): Promise<ChildRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'journal-sim-'))
  const out = path.join(dir, 'output')
  const summary = path.join(dir, 'summary.md')
  writeFileSync(out, '')
  writeFileSync(summary, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: out,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: dir,
    // tsx writes no cache files (they would count against the file size limit).
    TSX_DISABLE_CACHE: '1'
  }
  Object.assign(env, inputEnv(simInputs(sim, inputs)))
  // node itself runs the action (tsx as its loader), so a SIGKILL reaches the action's own process.
  const args = [
    '--import',
    pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href,
    path.join(root, 'src/index.ts')
  ]
  const child =
    options.fileSizeKb === undefined
      ? spawn(process.execPath, args, { env, cwd: dir })
      : spawn(
          'bash',
          ['-c', `ulimit -f ${options.fileSizeKb} && exec "$@"`, 'bash', process.execPath, ...args],
          {
            env,
            cwd: dir
          }
        )
  let log = ''
  child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')))
  const closed = new Promise<[number | null, NodeJS.Signals | null]>(resolve =>
    child.once('close', (code, signal) => resolve([code, signal]))
  )
  options.onStart?.(async () => {
    child.kill('SIGKILL')
    await closed
  })
  return closed.then(([code, signal]) => ({
    code,
    signal,
    log,
    outputs: parseOutputsFile(readFileSync(out, 'utf8')),
    summary: readFileSync(summary, 'utf8')
  }))
}

const deleteRequests = (since: number, name: string) =>
  sim.requests
    .slice(since)
    .filter(r => r.method === 'DELETE' && r.path.includes(`/container/${name}/versions/`))

describe('no delete without a record', () => {
  it('a journal-file that cannot be written: a clear error naming it, and not one request', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'journal-sim-'))
    writeFileSync(path.join(dir, 'a-file'), '')
    const where = path.join(dir, 'a-file', 'journal.jsonl')
    loadPackage('unwritable')
    const since = sim.requests.length
    const run = await childAction({ ...POLICY, packages: 'unwritable', 'journal-file': where })
    expect(sim.requests.length - since).toBe(0)
    expect(run.code).toBe(1)
    expect(run.log).toContain(`::error::journal-failed: cannot write journal-file ${JSON.stringify(where)} (`)
    expect(run.log).toContain('nothing was requested or deleted')
    expect(run.log).not.toMatch(/unhandled|UnhandledPromiseRejection|triggerUncaughtException/i)
  }, 60_000)

  it('a journal that cannot grow mid-run: no delete after it, summary and outputs written, the step fails', async () => {
    loadPackage('full-disk')
    const dir = mkdtempSync(path.join(tmpdir(), 'journal-sim-'))
    // How big the journal is before the first delete: the dry run writes the same header, plan and decisions.
    const dryFile = path.join(dir, 'dry.jsonl')
    const dry = await childAction({
      ...POLICY,
      packages: 'full-disk',
      'dry-run': 'true',
      'journal-file': dryFile
    })
    expect(dry.code).toBe(0)
    const planned = Number(dry.outputs['deleted-count'])
    expect(planned).toBeGreaterThan(8)
    // Room for a few delete records, not for all of them.
    const limitKb = Math.ceil(statSync(dryFile).size / 1024) + 1
    expect(Buffer.byteLength(dry.summary)).toBeLessThan(limitKb * 1024)

    const file = path.join(dir, 'real.jsonl')
    const since = sim.requests.length
    const run = await childAction(
      { ...POLICY, packages: 'full-disk', 'journal-file': file },
      { fileSizeKb: limitKb }
    )
    const sent = deleteRequests(since, 'full-disk')
    const journal = parseJournal(await readFile(file, 'utf8'), file)
    const pkg = journal.packages.find(p => p.name === 'full-disk')!
    const recorded = [...pkg.deleted.map(d => d.id), ...(pkg.unconfirmed ?? []).map(u => u.id)]
    // Every DELETE GitHub received has its record; none was sent after the journal stopped.
    expect(sent.map(r => Number(r.path.split('/').pop())).sort()).toEqual(recorded.sort())
    expect(sent.length).toBeLessThan(planned)
    expect(run.code).toBe(1)
    expect(run.log).toContain(
      `::error::journal-failed: cannot write journal-file ${JSON.stringify(file)} (EFBIG`
    )
    expect(run.log).toContain('no further delete was sent')
    expect(run.log).not.toMatch(/unhandled|UnhandledPromiseRejection|triggerUncaughtException/i)
    // The report still says what happened.
    expect(run.outputs['deleted-count']).toBe(String(sent.filter(r => r.status === 204).length))
    expect(run.summary).toContain('Container retention for <code>acme</code>')
    expect(run.summary).toContain('journal-failed')
  }, 90_000)

  it('SIGKILL while GitHub applies a delete: the journal holds every delete it saw; restore brings them all back', async () => {
    loadPackage('killed')
    const dir = mkdtempSync(path.join(tmpdir(), 'journal-sim-'))
    const file = path.join(dir, 'killed.jsonl')
    const before = [...sim.state.packageOf('acme', 'killed')!.byId.values()].filter(v => v.state === 'active')
    const since = sim.requests.length
    let kill: (() => Promise<void>) | undefined
    let applied = 0
    // The third delete takes effect, and the client dies before it hears the answer.
    onDelete = async change => {
      if (change.pkg.name !== 'killed' || ++applied !== 3) return
      await kill?.()
    }
    const run = await childAction(
      { ...POLICY, packages: 'killed', 'journal-file': file },
      { onStart: k => (kill = k) }
    ).finally(() => (onDelete = undefined))
    expect(run.signal).toBe('SIGKILL')
    const deletedInSim = [...sim.state.packageOf('acme', 'killed')!.byId.values()]
      .filter(v => v.state === 'deleted')
      .map(v => v.id)
    expect(deletedInSim).toHaveLength(3)
    expect(deleteRequests(since, 'killed').length).toBeGreaterThanOrEqual(2)

    const journal = parseJournal(await readFile(file, 'utf8'), file)
    const pkg = journal.packages.find(p => p.name === 'killed')!
    const unconfirmed = pkg.unconfirmed ?? []
    // Every delete GitHub applied is recorded; a recorded intent may not have reached GitHub yet (it is
    // written before the request leaves), which restore finds present and leaves alone.
    const recorded = new Set([...pkg.deleted.map(d => d.id), ...unconfirmed.map(u => u.id)])
    expect(deletedInSim.filter(id => !recorded.has(id))).toEqual([])
    expect(unconfirmed.length).toBeGreaterThanOrEqual(1)
    expect(pkg.deleted).toHaveLength(2)
    expect(journal.complete).toBe(false)

    const restore = await runAction({
      sim,
      inputs: { packages: 'killed', mode: 'restore', 'restore-from': file }
    })
    expect(restore.failed).toBeUndefined()
    expect(restore.outputs['restored-count']).toBe('3')
    const after = [...sim.state.packageOf('acme', 'killed')!.byId.values()].filter(v => v.state === 'active')
    expect(after.map(v => v.id).sort()).toEqual(before.map(v => v.id).sort())
  }, 90_000)
})

describe('restore trusts nothing it reads', () => {
  /** A finished prune of a fresh package: its journal as written, and what it says was deleted. */
  async function prunedJournal(
    name: string
  ): Promise<{ text: string; deleted: { id: number; digest: string }[] }> {
    loadPackage(name)
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-sim-')), 'pruned.jsonl')
    const prune = await runAction({ sim, inputs: { ...POLICY, packages: name, 'journal-file': file } })
    expect(prune.failed).toBeUndefined()
    const text = await readFile(file, 'utf8')
    const pkg = parseJournal(text, file).packages.find(p => p.name === name)!
    expect(pkg.deleted.length).toBeGreaterThan(4)
    return { text, deleted: pkg.deleted.map(d => ({ id: d.id, digest: d.digest })) }
  }

  async function restoreFrom(name: string, text: string) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-sim-')), 'given.jsonl')
    await writeFile(file, text)
    const since = sim.requests.length
    // (A run that dies without its journal still counts: what matters is what it sent.)
    const run = await runAction({
      sim,
      inputs: { packages: name, mode: 'restore', 'restore-from': file }
    }).catch((error: Error) => ({ failed: `no journal: ${error.message}`, outputs: {} }))
    const requests = sim.requests.slice(since).filter(r => r.side === 'rest')
    return { run, file, requests, restores: requests.filter(r => r.method === 'POST') }
  }

  it('ids whose digests disagree with what GitHub lists: nothing restored, each line named', async () => {
    const { text, deleted } = await prunedJournal('swapped')
    const [a, b] = deleted
    // Swap two deleted versions' digests everywhere: each id now claims the other's content.
    const swapped = text
      .split(a.digest)
      .map(part => part.split(b.digest).join(a.digest))
      .join(b.digest)
    const { run, file, restores } = await restoreFrom('swapped', swapped)
    expect(restores).toEqual([])
    expect(run.failed).toContain(
      'restore-from: the journal does not match what GitHub lists, so nothing was restored'
    )
    expect(run.failed).toMatch(
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line \\d+: version ${a.id} of \\\\?"swapped\\\\?" is recorded with digest`
      )
    )
  }, 60_000)

  it('"after": 5 is an error naming the line and the field, before any request', async () => {
    const { text } = await prunedJournal('after-five')
    const broken = text.replace(/"after": ?\[[^\]]*\]/, '"after": 5')
    expect(broken).not.toBe(text)
    const { run, requests } = await restoreFrom('after-five', broken)
    expect(requests).toEqual([])
    expect(run.failed).toMatch(/given\.jsonl line \d+: \(\\?"delete-intent\\?"\) \\?"after\\?" must be array/)
  }, 60_000)
})
