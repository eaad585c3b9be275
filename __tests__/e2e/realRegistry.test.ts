// Proof on a real registry: the bundled action (dist/index.js, run as the Actions runner runs it) prunes
// packages whose versions are real manifests in Debian's docker-registry (the CNCF distribution registry).
// The simulator's Packages REST API is in front (a version delete deletes the real manifest), the action
// reaches the registry through a ghcr.io-style token challenge, and every claim is checked on the real
// registry directly: `skopeo copy --all` for what must still pull, GET by digest → 404 for what must be gone.
//
// The action writes at most one delete per second (GitHub's guidance), so the scenarios run side by side, each
// on its own package: beforeAll drives them and records what the registry looked like at each step; the tests
// then judge those records.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
// The action's least gap between two writes: deletes start at least this far apart.
import { WRITE_GAP_MS } from '../../src/main.js'
import {
  cleanUpActions,
  runAction,
  startAction,
  type ActionResult,
  type GithubContext
} from '../../e2e/actionRunner.js'
import { buildE2ePackage, buildKillPackage, type E2ePackage } from '../../e2e/fixture.js'
import { digestStatuses, inParallel, provePulls, tagsOf, type PullProof } from '../../e2e/proof.js'
import type { JournalPackage } from '../../src/execute/Journal.js'
import { freshSeed, mulberry32 } from '../../src/sim/random.js'
import { startRealBackend, type MirroredChange, type RealBackend } from '../../src/sim/realBackend.js'
import {
  MISSING_TOOLS_HINT,
  realRegistryTools,
  startRealRegistry,
  type RealRegistry
} from '../../src/sim/realRegistry.js'

const tools = realRegistryTools()
const available = Boolean(tools.registry && tools.skopeo)
const inCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase())

const OWNER = 'acme'
const NOW = Date.now()
/** Extra time each REST delete takes in the kill runs, so a kill often lands while one is in flight. */
const DELETE_LATENCY_MS = 300

const repo = (name: string) => `${OWNER}/${name}`
const sorted = (values: Iterable<string>) => [...values].sort()

interface TagProof {
  /** Proofs that failed, and tags that do not resolve to the digest the fixture pushed. */
  readonly failures: (PullProof | string)[]
  readonly proofs: PullProof[]
}

/** What the real registry holds for a package at one moment. */
interface Snapshot {
  /** Every fixture manifest digest → GET status (200 present, 404 gone). */
  readonly statuses: Map<string, number>
  readonly tags: string[]
  /** The pull proof of the given tags. */
  readonly pulls: TagProof
}

interface PolicyRecord {
  readonly fixture: E2ePackage
  readonly expected: Set<string>
  readonly run: ActionResult
  readonly after: Snapshot
  /** `ci`: a deleted tag, proved with the same check (it must fail). */
  readonly deletedTagProof?: PullProof
  /** `release`: mode restore from the prune's journal, and what the registry held afterwards. */
  readonly restore?: { readonly run: ActionResult; readonly after: Snapshot }
}

interface KillRecord {
  readonly fixture: E2ePackage
  readonly seed: number
  readonly killAfterMs: number
  readonly planned: Set<string>
  readonly killed: ActionResult
  /** Digests the REST API had deleted (and mirrored) when the run was dead and nothing was in flight. */
  readonly deletedAtKill: string[]
  readonly afterKill: Snapshot
  readonly rerun: ActionResult
  readonly deletedInTotal: string[]
  readonly final: Snapshot
}

function journalOf(result: ActionResult, name: string): JournalPackage {
  const pkg = result.journal?.packages.find(p => p.name === name)
  if (!pkg) throw new Error(`no journal entry for ${name}; log:\n${result.log.slice(-3000)}`)
  return pkg
}

/** Exit code with the log tail when it is not 0, so a failure explains itself. */
const exit = (result: ActionResult) => ({
  code: result.code,
  log: result.code === 0 ? '' : `${result.signal ?? ''}\n${result.log.slice(-4000)}`
})

const keptTags = (fixture: E2ePackage, deleted: ReadonlySet<string>) =>
  new Map([...fixture.tags].filter(([, digest]) => !deleted.has(digest)))

if (!available && inCI) {
  describe('the bundled action against a real registry', () => {
    it('needs docker-registry and skopeo in CI', () => {
      throw new Error(`CI=true but ${MISSING_TOOLS_HINT}`)
    })
  })
} else if (!available) {
  console.warn(`realRegistry.test.ts skipped: ${MISSING_TOOLS_HINT}`)
  describe.skip(`the bundled action against a real registry (skipped: ${MISSING_TOOLS_HINT})`, () => {
    it('prunes and proves with skopeo', () => undefined)
  })
} else {
  describe('the bundled action against a real registry (docker-registry + skopeo)', () => {
    let registry: RealRegistry
    let backend: RealBackend
    let github: GithubContext
    const mirrorListeners = new Map<string, (change: MirroredChange) => void>()
    const inputs = (extra: Record<string, string>): Record<string, string> => ({
      'registry-url': backend.registryUrl,
      'upload-journal': 'false',
      ...extra
    })
    const mirroredDeletes = (name: string) =>
      backend.mirrored.filter(c => c.kind === 'deleted' && c.repository === repo(name)).map(c => c.digest)

    /** Each distinct digest pulled once; every tag must resolve to the digest the fixture pushed for it. */
    async function proveTagsPull(name: string, tags: ReadonlyMap<string, string>): Promise<TagProof> {
      const oneTagPerDigest = new Map<string, string>()
      for (const [tag, digest] of tags) if (!oneTagPerDigest.has(digest)) oneTagPerDigest.set(digest, tag)
      const proofs = await inParallel([...oneTagPerDigest.values()], 4, tag =>
        provePulls(registry.url, repo(name), tag)
      )
      const failures: (PullProof | string)[] = proofs.filter(p => !p.ok)
      for (const p of proofs)
        if (p.ok && p.digest !== tags.get(p.reference)) failures.push(`${p.reference} moved`)
      const resolved = await digestStatuses(registry.url, repo(name), [...tags.keys()])
      for (const [tag, status] of resolved) if (status !== 200) failures.push(`tag ${tag}: ${status}`)
      return { failures, proofs }
    }

    async function snapshot(name: string, fixture: E2ePackage, prove: ReadonlyMap<string, string>) {
      const digests = fixture.pkg.manifests.map(m => m.digest)
      const [statuses, tags, pulls] = await Promise.all([
        digestStatuses(registry.url, repo(name), digests),
        tagsOf(registry.url, repo(name)),
        proveTagsPull(name, prove)
      ])
      return { statuses, tags, pulls }
    }

    /** Seconds each scenario step took, printed once: where the suite's time goes. */
    const timeline: string[] = []
    async function step<T>(scenario: string, what: string, work: () => Promise<T>): Promise<T> {
      const t = Date.now()
      try {
        return await work()
      } finally {
        timeline.push(`${scenario} ${what} ${((Date.now() - t) / 1000).toFixed(1)}s`)
      }
    }

    const wrongStatuses = (s: Snapshot, gone: ReadonlySet<string>) =>
      [...s.statuses].filter(([digest, status]) => status !== (gone.has(digest) ? 404 : 200))

    // ---- the scenarios -------------------------------------------------------------------------------------

    const policies = {
      // 1. The default: untagged orphans past the 7-day grace; nothing tagged, nothing that belongs to a tag.
      orphans: {
        inputs: {},
        expected: (f: E2ePackage) => [f.refs['orphan:45d'], f.refs['orphan:200d']]
      },
      // 2. CI builds: a version goes only when all its tags match; the newest candidate stays.
      ci: {
        inputs: { 'delete-tags': 'pr-*, sha-*', 'keep-n-tagged': '1' },
        expected: (f: E2ePackage) => [
          ...f.collections['pr-1'],
          f.refs['pr-2'],
          f.refs['sha-1111111'],
          f.refs['orphan:45d'],
          f.refs['orphan:200d']
        ]
      },
      // 3. An old release by age, with its cosign signature and attestation and its BuildKit attestations.
      release: {
        inputs: { 'delete-tags': 'v*', 'older-than': '90d', 'delete-untagged': 'false' },
        expected: (f: E2ePackage) => [...f.collections['v1.0.0']]
      }
    } as const
    type PolicyName = keyof typeof policies
    const policyNames = Object.keys(policies) as PolicyName[]

    async function policyScenario(name: PolicyName): Promise<PolicyRecord> {
      const fixture = buildE2ePackage({ owner: OWNER, name, now: NOW })
      await step(name, 'push', () => backend.load(fixture.pkg))
      const run = await step(name, 'prune', () =>
        runAction(github, inputs({ packages: name, ...policies[name].inputs }))
      )
      const expected = new Set(policies[name].expected(fixture))
      const after = await step(name, 'proof', () => snapshot(name, fixture, keptTags(fixture, expected)))
      const record: PolicyRecord = { fixture, expected, run, after }
      if (name === 'ci') {
        return { ...record, deletedTagProof: await provePulls(registry.url, repo(name), 'pr-1') }
      }
      if (name !== 'release') return record
      const restore = await step(name, 'restore', () =>
        runAction(github, inputs({ packages: name, mode: 'restore', 'restore-from': run.journalFile }))
      )
      // The restored tags are the ones to prove again; the rest was proved above.
      const restoredTags = new Map([...fixture.tags].filter(([, digest]) => expected.has(digest)))
      const afterRestore = await step(name, 'proof', () => snapshot(name, fixture, restoredTags))
      return { ...record, restore: { run: restore, after: afterRestore } }
    }

    const killNames = ['kill-a', 'kill-b', 'kill-c']
    const killSeeds = (process.env.E2E_KILL_SEEDS ?? '').split(',').filter(Boolean).map(Number)
    while (killSeeds.length < killNames.length) killSeeds.push(freshSeed())
    const killPolicy = { 'delete-tags': 'pr-*' }

    /** One package's run SIGKILLed at a seeded moment after its first delete, and the registry it left. */
    async function killOne(name: string, seed: number, fixture: E2ePackage, planned: Set<string>) {
      console.log('seed', seed)
      // Deletes start at least WRITE_GAP_MS apart, so a kill within (planned - 1.5) gaps of the first one
      // always leaves at least one planned delete undone, however slow the machine.
      const killAfterMs = Math.floor(mulberry32(seed)() * (planned.size - 1.5) * WRITE_GAP_MS)
      const latency = backend.sim.faults.add({
        side: 'rest',
        method: 'DELETE',
        pathPattern: `/packages/container/${name}/versions/`,
        kind: 'latency',
        latencyMs: DELETE_LATENCY_MS
      })
      const t = Date.now()
      let answeredAtKill = 0
      const running = await startAction(github, inputs({ packages: name, ...killPolicy }))
      mirrorListeners.set(repo(name), () => {
        mirrorListeners.delete(repo(name))
        setTimeout(() => {
          // Deletes answered so far: one still in its latency when the client dies is applied but never
          // acknowledged, the case a re-run must see as already gone.
          answeredAtKill = backend.sim.requests.filter(
            r => r.method === 'DELETE' && r.path.includes(`/container/${name}/versions/`)
          ).length
          running.child.kill('SIGKILL')
        }, killAfterMs)
      })
      let killed: ActionResult
      try {
        killed = await running.done
      } finally {
        timeline.push(`${name} killed-run ${((Date.now() - t) / 1000).toFixed(1)}s`)
        mirrorListeners.delete(repo(name))
        backend.sim.faults.remove(latency)
      }
      // The REST answers the dead client never read still take effect (and are mirrored) before we look.
      await backend.idle()
      const deletedAtKill = mirroredDeletes(name)
      // Every tag the registry still serves (kept, or planned and not reached) must pull in full.
      const present = keptTags(fixture, new Set(deletedAtKill))
      const afterKill = await step(name, 'proof', () => snapshot(name, fixture, present))
      console.log(
        `${name}: seed ${seed}, killed ${killAfterMs} ms after the first delete, ` +
          `${deletedAtKill.length} of ${planned.size} deleted by then ` +
          `(${deletedAtKill.length - answeredAtKill} never acknowledged)`
      )
      return { fixture, seed, killAfterMs, planned, killed, deletedAtKill, afterKill }
    }

    /**
     * The kill packages together: one dry run plans them all (its journal says what each will lose), each is
     * killed mid-delete on its own, then one re-run finishes them all.
     */
    async function killScenarios(): Promise<Map<string, KillRecord>> {
      const fixtures = killNames.map(name => buildKillPackage({ owner: OWNER, name, now: NOW }))
      await step('kill-*', 'push', () => Promise.all(fixtures.map(f => backend.load(f.pkg))))
      const dry = await step('kill-*', 'dry-run', () =>
        runAction(github, inputs({ packages: 'kill-*', 'dry-run': 'true', ...killPolicy }))
      )
      if (dry.code !== 0) throw new Error(`dry run failed: ${exit(dry).log}`)
      const planned = killNames.map(
        name =>
          new Set(
            (journalOf(dry, name).decisions ?? []).filter(d => d.action === 'delete').map(d => d.digest)
          )
      )
      const killed = await Promise.all(
        killNames.map((name, i) => killOne(name, killSeeds[i], fixtures[i], planned[i]))
      )
      const rerun = await step('kill-*', 're-run', () =>
        runAction(github, inputs({ packages: 'kill-*', ...killPolicy }))
      )
      const finals = await Promise.all(
        killNames.map((name, i) =>
          step(name, 'proof', () => snapshot(name, fixtures[i], keptTags(fixtures[i], planned[i])))
        )
      )
      return new Map(
        killNames.map((name, i) => [
          name,
          { ...killed[i], rerun, deletedInTotal: mirroredDeletes(name), final: finals[i] }
        ])
      )
    }

    const policyRecords = new Map<PolicyName, PromiseSettledResult<PolicyRecord>>()
    const killRecords = new Map<string, PromiseSettledResult<KillRecord>>()
    const recordOf = <T>(settled: PromiseSettledResult<T> | undefined): T => {
      if (!settled) throw new Error('scenario did not run')
      if (settled.status === 'rejected') throw settled.reason
      return settled.value
    }

    beforeAll(async () => {
      const started = Date.now()
      registry = await startRealRegistry()
      // Rate limits off: this suite proves registry content; the limits have their own tests.
      backend = await startRealBackend({ registry, simulator: { timeScale: 1, rateLimits: false } })
      backend.onMirror = change => mirrorListeners.get(change.repository)?.(change)
      backend.sim.addOwner(OWNER, 'Organization')
      github = {
        token: backend.sim.token,
        api_url: backend.apiUrl,
        repository_owner: OWNER,
        actor: 'e2e-bot',
        repository: `${OWNER}/app`
      }
      const scenarios = [
        ...policyNames.map(async name =>
          policyRecords.set(name, (await Promise.allSettled([policyScenario(name)]))[0])
        ),
        Promise.allSettled([killScenarios()]).then(([settled]) => {
          for (const name of killNames) {
            killRecords.set(
              name,
              settled.status === 'rejected'
                ? settled
                : { status: 'fulfilled', value: settled.value.get(name)! }
            )
          }
        })
      ]
      await Promise.all(scenarios)
      console.log(
        `real-registry scenarios: ${((Date.now() - started) / 1000).toFixed(1)} s\n${timeline.join('\n')}`
      )
    }, 120_000)

    afterAll(async () => {
      await cleanUpActions()
      await backend?.close()
      await registry?.stop()
    })

    // ---- the judgements ------------------------------------------------------------------------------------

    describe.each(policyNames)('policy %s', name => {
      it('deletes exactly the expected versions, each through the REST API into the real registry', () => {
        const r = recordOf(policyRecords.get(name))
        expect(exit(r.run)).toEqual({ code: 0, log: '' })
        const journal = journalOf(r.run, name)
        expect(sorted(journal.deleted.map(d => d.digest))).toEqual(sorted(r.expected))
        expect(journal.failed).toEqual([])
        expect(r.run.outputs['deleted-count']).toBe(String(r.expected.size))
        const mirrored = backend.mirrored.filter(c => c.kind === 'deleted' && c.repository === repo(name))
        expect(sorted(mirrored.map(c => c.digest))).toEqual(sorted(r.expected))
        expect(mirrored.map(c => c.status)).toEqual(mirrored.map(() => 202))
      })

      it('leaves every deleted digest 404 and every other manifest and tag in the real registry', () => {
        const r = recordOf(policyRecords.get(name))
        expect(wrongStatuses(r.after, r.expected)).toEqual([])
        expect(r.after.tags).toEqual(sorted(keptTags(r.fixture, r.expected).keys()))
      })

      it('every kept tag still copies in full (skopeo copy --all; the nested index walked)', () => {
        const r = recordOf(policyRecords.get(name))
        expect(r.after.pulls.failures).toEqual([])
        expect(r.after.pulls.proofs.filter(p => p.by === 'walk').map(p => p.reference)).toEqual(['bundle'])
        expect(r.after.pulls.proofs.filter(p => p.by === 'skopeo').length).toBeGreaterThan(5)
      })
    })

    it('orphans: every multi-arch tag kept its platform images and attestations', () => {
      const r = recordOf(policyRecords.get('orphans'))
      const multiArch = ['v0.9.0', 'v1.0.0', 'v1.3.0', 'pr-1', 'bundle'].flatMap(
        role => r.fixture.collections[role]
      )
      expect(multiArch.length).toBeGreaterThan(20)
      expect(multiArch.filter(d => r.after.statuses.get(d) !== 200)).toEqual([])
      // The young orphan is inside the 7-day grace.
      expect(r.after.statuses.get(r.fixture.refs['orphan:2d'])).toBe(200)
    })

    it('ci: the multi-tagged version stays (main protects sha-abc1234); a deleted tag no longer copies', () => {
      const r = recordOf(policyRecords.get('ci'))
      expect(r.after.statuses.get(r.fixture.refs['main'])).toBe(200)
      expect(r.after.tags).toEqual(expect.arrayContaining(['main', 'sha-abc1234', 'sha-2222222']))
      // The same check that passes for kept tags fails for a deleted one: it can tell the difference.
      expect(r.deletedTagProof).toEqual(expect.objectContaining({ ok: false, problem: 'manifest 404' }))
    })

    it('release: mode restore from the journal puts the release, its signature and attestations back', () => {
      const r = recordOf(policyRecords.get('release'))
      const restore = r.restore!
      expect(exit(restore.run)).toEqual({ code: 0, log: '' })
      expect(restore.run.outputs['restored-count']).toBe(String(r.expected.size))
      expect(wrongStatuses(restore.after, new Set())).toEqual([])
      expect(restore.after.tags).toEqual(sorted(r.fixture.tags.keys()))
      expect(restore.after.pulls.failures).toEqual([])
      expect(restore.after.pulls.proofs.map(p => p.reference).sort()).toEqual(
        sorted([...r.fixture.tags].filter(([, d]) => r.expected.has(d)).map(([t]) => t))
      )
    })

    it('reached the registry only through the token challenge, and never deleted there', () => {
      const count = (kind: string, status: number) =>
        backend.proxy.requests.filter(r => r.kind === kind && r.status === status).length
      expect(count('challenge', 401)).toBeGreaterThan(0)
      expect(count('token', 200)).toBeGreaterThan(0)
      expect(count('forwarded', 200)).toBeGreaterThan(0)
      expect(backend.proxy.requests.filter(r => r.method === 'DELETE')).toEqual([])
    })

    describe.each(killNames)('%s: killed mid-delete at a seeded moment, then re-run', name => {
      it('plans the signed multi-arch PR build with its whole collection', () => {
        const r = recordOf(killRecords.get(name))
        expect(sorted(r.planned)).toEqual(sorted(r.fixture.collections['pr-1']))
        expect(r.planned.size).toBe(6) // index, 2 platform images, 2 attestations, cosign signature
      })

      it('was killed mid-delete and lost nothing the plan keeps', () => {
        const r = recordOf(killRecords.get(name))
        expect(r.killed.signal).toBe('SIGKILL')
        expect(r.deletedAtKill.length).toBeGreaterThan(0)
        expect(r.deletedAtKill.length).toBeLessThan(r.planned.size)
        expect(r.deletedAtKill.filter(d => !r.planned.has(d))).toEqual([])
        expect(wrongStatuses(r.afterKill, new Set(r.deletedAtKill))).toEqual([])
      })

      it('the killed run journaled every delete the registry applied before it was sent', () => {
        const r = recordOf(killRecords.get(name))
        // The header is written before the first request, so even a run killed early leaves a journal.
        const journal = journalOf(r.killed, name)
        const recorded = new Set([...journal.deleted, ...journal.unconfirmed].map(d => d.digest))
        expect(r.deletedAtKill.filter(d => !recorded.has(d))).toEqual([])
        expect(r.killed.journal?.complete).toBe(false)
      })

      it('left no tag pointing at missing content: every tag still served copies in full', () => {
        const r = recordOf(killRecords.get(name))
        const present = keptTags(r.fixture, new Set(r.deletedAtKill))
        expect(r.afterKill.tags).toEqual(sorted(present.keys()))
        for (const tag of keptTags(r.fixture, r.planned).keys()) expect(r.afterKill.tags).toContain(tag)
        expect(r.afterKill.pulls.failures).toEqual([])
      })

      it('a re-run finishes the plan: the final registry equals the plan, every kept tag copies', () => {
        const r = recordOf(killRecords.get(name))
        expect(exit(r.rerun)).toEqual({ code: 0, log: '' })
        expect(journalOf(r.rerun, name).failed).toEqual([])
        expect(sorted(r.deletedInTotal)).toEqual(sorted(r.planned))
        expect(wrongStatuses(r.final, r.planned)).toEqual([])
        expect(r.final.tags).toEqual(sorted(keptTags(r.fixture, r.planned).keys()))
        expect(r.final.pulls.failures).toEqual([])
        expect(r.final.pulls.proofs.map(p => p.by)).toContain('walk')
      })
    })
  })
}
