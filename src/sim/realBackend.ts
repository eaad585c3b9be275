/**
 * The simulator's Packages REST API in front of a real registry: versions are the real manifests. A fixture
 * is loaded into the simulator (ids, tags, times) and pushed into docker-registry; a REST version delete
 * deletes the manifest in the real registry (`DELETE /v2/<repo>/manifests/<digest>`, 202) before the REST
 * answer goes out, a restore pushes the bytes (which the simulator keeps) and the tags back. The action
 * reaches the registry through {@link startAuthProxy}, which adds ghcr.io's token dance and refuses registry
 * deletes as ghcr.io does, so the REST API is the only way to delete — as on GitHub.
 */
import { startAuthProxy, type AuthProxy } from './authProxy.js'
import { pushPackage, type PushReport } from './fixtures/push.js'
import type { FixturePackage } from './fixtures/types.js'
import { startRealRegistry, type RealRegistry } from './realRegistry.js'
import { startSimulator, type Simulator, type SimulatorOptions, type VersionChange } from './server.js'

export interface MirroredChange {
  readonly kind: VersionChange['kind']
  readonly repository: string
  readonly versionId: number
  readonly digest: string
  /** Status of the real registry's answer to the DELETE (or to the manifest PUT of a restore). */
  readonly status: number
}

export interface RealBackend {
  readonly sim: Simulator
  readonly registry: RealRegistry
  readonly proxy: AuthProxy
  /** For the action: `api-url` (the simulator's REST) and `registry-url` (the auth proxy). */
  readonly apiUrl: string
  readonly registryUrl: string
  /** Every delete and restore mirrored into the real registry, in order. */
  readonly mirrored: readonly MirroredChange[]
  /** Called after each mirrored change (before the REST answer is sent): lets a test act mid-run. */
  onMirror?: (change: MirroredChange) => void
  /** Loads the package into the simulator and pushes it into the real registry. */
  load(pkg: FixturePackage): Promise<PushReport>
  /** Resolves once no REST request (hence no mirroring) is in flight: after a client was killed. */
  idle(timeoutMs?: number): Promise<void>
  /** Stops the proxy and the simulator, and the registry when this backend started it. */
  close(): Promise<void>
}

export interface RealBackendOptions {
  /** Reuse a running registry (one per test file); default: start one and stop it on close. */
  readonly registry?: RealRegistry
  readonly simulator?: Omit<SimulatorOptions, 'onVersionChange'>
}

async function failure(what: string, res: Response): Promise<Error> {
  return new Error(`${what}: real registry answered ${res.status} ${(await res.text()).slice(0, 300)}`)
}

export async function startRealBackend(options: RealBackendOptions = {}): Promise<RealBackend> {
  const registry = options.registry ?? (await startRealRegistry())
  const mirrored: MirroredChange[] = []

  const mirror = async ({ kind, pkg, version }: VersionChange): Promise<void> => {
    const repository = pkg.repositoryPath
    const v2 = `${registry.url}/v2/${repository}`
    const note = (status: number) => {
      const change = { kind, repository, versionId: version.id, digest: version.digest, status }
      mirrored.push(change)
      // Only REST requests call this, and the simulator serves none before `backend` exists.
      backend.onMirror?.(change)
    }
    if (kind === 'deleted') {
      const res = await fetch(`${v2}/manifests/${version.digest}`, { method: 'DELETE' })
      await res.arrayBuffer()
      note(res.status)
      // 404: not in the registry (a manifest GHCR lists but no longer serves); the version is gone either way.
      if (res.status !== 202 && res.status !== 404)
        throw await failure(`DELETE ${repository}@${version.digest}`, res)
      return
    }
    // A restore gives back the exact bytes, then every tag the simulator handed back with them.
    for (const reference of [version.digest, ...version.tags]) {
      const res = await fetch(`${v2}/manifests/${reference}`, {
        method: 'PUT',
        body: version.bytes,
        headers: { 'content-type': version.mediaType }
      })
      await res.arrayBuffer()
      if (reference === version.digest) note(res.status)
      if (res.status !== 201) throw await failure(`PUT ${repository}:${reference}`, res)
    }
  }

  let sim: Simulator
  try {
    sim = await startSimulator({ ...options.simulator, onVersionChange: mirror })
  } catch (error) {
    if (!options.registry) await registry.stop()
    throw error
  }
  const proxy = await startAuthProxy({ upstream: registry.url, acceptPassword: p => p === sim.token })

  const backend: RealBackend = {
    sim,
    registry,
    proxy,
    apiUrl: sim.apiUrl,
    registryUrl: proxy.url,
    mirrored,
    async load(pkg) {
      sim.loadPackage(pkg)
      return pushPackage(pkg, { registry: registry.url })
    },
    async idle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (sim.stats.inFlight.rest > 0) {
        if (Date.now() > deadline) throw new Error(`REST requests still in flight after ${timeoutMs} ms`)
        await new Promise(resolve => setTimeout(resolve, 10))
      }
    },
    async close() {
      await proxy.close()
      await sim.close()
      if (!options.registry) await registry.stop()
    }
  }
  return backend
}
