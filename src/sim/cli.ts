/**
 * Standalone simulator: `npx tsx src/sim/cli.ts [--port N] [--scenario realistic|scale:N] [--seed S]
 * [--time-scale X] [--no-rate-limits]`. Prints the two base URLs and a token, then serves until Ctrl-C.
 * The REST side listens on N, the registry on N+1 (both 127.0.0.1 only).
 */
import { parseArgs } from 'node:util'
import type { FixturePackage } from './fixtures/types.js'
import { startSimulator, type Simulator } from './server.js'

const USAGE =
  'usage: tsx src/sim/cli.ts [--port N] [--scenario realistic|scale:N] [--seed S] [--time-scale X] [--no-rate-limits]'

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < min)
    fail(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`)
  return Number(value)
}

/** Loads a scenario from the fixture builder (imported lazily: the simulator works without it). */
async function loadScenario(sim: Simulator, scenario: string): Promise<string> {
  const { realisticScenario, scaleScenario } = await import('./fixtures/scenarios.js')
  const now = Date.now()
  let packages: FixturePackage[]
  if (scenario === 'realistic') packages = realisticScenario({ now })
  else {
    const m = /^scale:(\d+)$/.exec(scenario)
    if (!m) fail(`--scenario must be realistic or scale:N, got ${JSON.stringify(scenario)}`)
    const versions = Number(m[1])
    packages = [scaleScenario({ versions, multiArchTags: Math.floor(versions / 50), now })]
  }
  for (const pkg of packages) {
    if (!sim.state.owner(pkg.owner)) sim.addOwner(pkg.owner, 'Organization')
    sim.loadPackage(pkg)
  }
  return packages.map(p => `${p.owner}/${p.name} (${p.manifests.length} versions)`).join(', ')
}

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        scenario: { type: 'string' },
        seed: { type: 'string' },
        'time-scale': { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        help: { type: 'boolean' }
      }
    }).values
  } catch (e) {
    fail((e as Error).message)
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const port = integer('port', parsed.port, 1)
  const timeScale = parsed['time-scale'] === undefined ? undefined : Number(parsed['time-scale'])
  if (timeScale !== undefined && !(timeScale > 0))
    fail(`--time-scale must be a number > 0, got ${JSON.stringify(parsed['time-scale'])}`)
  const sim = await startSimulator({
    seed: integer('seed', parsed.seed, 0),
    timeScale,
    rateLimits: parsed['no-rate-limits'] ? false : undefined,
    restPort: port,
    registryPort: port === undefined ? undefined : port + 1
  })
  const loaded = parsed.scenario ? await loadScenario(sim, parsed.scenario) : 'nothing (empty registry)'
  process.stdout.write(
    [
      `GHCR simulator (seed ${sim.seed}, time scale ${sim.timeScale})`,
      `  REST API:  ${sim.apiUrl}`,
      `  registry:  ${sim.registryUrl}`,
      `  token:     ${sim.token}   (login ${sim.login})`,
      `  loaded:    ${loaded}`,
      `Try: curl -H "Authorization: token ${sim.token}" ${sim.apiUrl}/orgs/acme/packages?package_type=container`,
      'Ctrl-C to stop.',
      ''
    ].join('\n')
  )
  const stop = (): void => {
    void sim.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

void main().catch(e => fail(`simulator failed: ${(e as Error).message}`))
