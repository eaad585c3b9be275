/**
 * What the registry-change guards cost on one large package (docs/benchmarks.md, "Write barrier and listing
 * check"): the listing check's REST requests beyond a plain listing, and the write barrier's registry requests
 * per pass — one pass over an unchanged registry, one after CI added a tag on an existing platform image and a
 * new index over two existing manifests. The package is `scaleScenario` with 10,000 versions, served by the
 * loopback simulator over HTTP in real time.
 *
 *   npx tsx bench/barrier.ts            Markdown table on stdout
 *   npx tsx bench/barrier.ts --json     the figures as JSON
 */
import { Agent } from 'undici'
import { listedTags, writeBarrier } from '../src/execute/WriteBarrier.js'
import { listVersionsChecked } from '../src/github/checkedListing.js'
import { listAllVersions } from '../src/github/listAllVersions.js'
import { PackagesClient } from '../src/github/PackagesClient.js'
import { RegistryClient, type RegistryStats } from '../src/registry/RegistryClient.js'
import { isIndexMediaType } from '../src/model/MediaType.js'
import { scaleScenario } from '../src/sim/fixtures/scenarios.js'
import { startSimulator } from '../src/sim/server.js'

const VERSIONS = 10_000
const MULTI_ARCH_TAGS = 1_000
/** The preflight's floating tags, HEADed again on every pass (Preflight.DEFAULT_RECENT_TAGGED). */
const RECHECK = 10

interface PassFigures {
  readonly tagListPages: number
  readonly heads: number
  readonly manifestGets: number
  readonly tokens: number
  readonly total: number
  readonly held: number
  readonly ms: number
}

function delta(after: RegistryStats, before: RegistryStats): Omit<PassFigures, 'held' | 'ms'> {
  const tagListPages = after.tagLists - before.tagLists
  const heads = after.manifestHeads - before.manifestHeads
  const manifestGets = after.manifestGets - before.manifestGets
  const tokens = after.tokens + after.pings - before.tokens - before.pings
  return { tagListPages, heads, manifestGets, tokens, total: tagListPages + heads + manifestGets + tokens }
}

async function main(): Promise<void> {
  const sim = await startSimulator({ timeScale: 1, rateLimits: false, tokenTtlSeconds: 86_400 })
  const agent = new Agent()
  try {
    sim.addOwner('acme', 'Organization')
    sim.loadPackage(
      scaleScenario({
        owner: 'acme',
        name: 'big',
        versions: VERSIONS,
        multiArchTags: MULTI_ARCH_TAGS,
        now: sim.clock.now()
      })
    )
    const pkg = { owner: 'acme', name: 'big' }
    const repository = 'acme/big'
    const packages = new PackagesClient({
      token: sim.token,
      apiUrl: sim.apiUrl,
      dispatcher: agent,
      writeGapMs: 0
    })
    const registry = new RegistryClient({
      registryUrl: sim.registryUrl,
      username: sim.login,
      password: sim.token,
      dispatcher: agent
    })

    // The owner lookup happens once per run, before any listing: out of both figures.
    await listAllVersions(packages, pkg)
    let rest = packages.requestCount
    await listAllVersions(packages, pkg)
    const plainPages = packages.requestCount - rest
    rest = packages.requestCount
    const checked = await listVersionsChecked(packages, pkg)
    const checkedRequests = packages.requestCount - rest

    const versions = checked.versions
    const listed = listedTags(versions)
    // Every version planned: the barrier's requests do not depend on the plan's size, only on what moved.
    const planned = new Set(versions.map(v => v.digest))
    const recheck = [...listed.keys()].slice(0, RECHECK)
    // Authenticate first, as a run has by the time it deletes (its token is already there).
    await registry.listTags(repository)

    const pass = async (): Promise<PassFigures> => {
      const before = { ...registry.stats }
      const started = performance.now()
      const result = await writeBarrier(registry, { repository, listed, planned, recheck })
      return {
        ...delta(registry.stats, before),
        held: result.held.size,
        ms: Math.round(performance.now() - started)
      }
    }
    const unchanged = await pass()
    const big = sim.state.packageOf('acme', 'big')!
    // A multi-platform release: its first two descriptors are its platform images.
    const index = big.versions('active').find(v => isIndexMediaType(v.mediaType) && v.tags.length > 0)!
    const doc = JSON.parse(index.bytes.toString('utf8')) as { manifests: { digest: string }[] }
    const [amd, arm] = doc.manifests.map(d => d.digest)
    sim.moves.tag('acme', 'big', 'v2', amd)
    sim.moves.pushIndexOver('acme', 'big', 'v3', [amd, arm])
    const changed = await pass()

    const figures = {
      versions: VERSIONS,
      tags: listed.size,
      listing: { plainRequests: plainPages, checkedRequests, extra: checkedRequests - plainPages },
      unchanged,
      changed
    }
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(figures, null, 2))
      return
    }
    const row = (name: string, a: number | string, b: number | string) => `| ${name} | ${a} | ${b} |`
    console.log(
      [
        `Listing: ${plainPages} requests plain, ${checkedRequests} with the listing check (+${checkedRequests - plainPages}).`,
        `${listed.size} tags; ${RECHECK} listed tags re-checked on every pass.`,
        '',
        '| One barrier pass | unchanged | v2 on a platform image, v3 a new index over two manifests |',
        '| --- | ---: | ---: |',
        row('tag-list pages', unchanged.tagListPages, changed.tagListPages),
        row('HEADs', unchanged.heads, changed.heads),
        row('manifest GETs', unchanged.manifestGets, changed.manifestGets),
        row('tokens', unchanged.tokens, changed.tokens),
        row('**total**', unchanged.total, changed.total),
        row('planned deletes held', unchanged.held, changed.held),
        row('wall time (ms)', unchanged.ms, changed.ms)
      ].join('\n')
    )
  } finally {
    await sim.close()
    await agent.close()
  }
}

await main()
