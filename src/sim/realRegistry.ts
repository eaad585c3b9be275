import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/**
 * A real OCI registry (Debian's `docker-registry`, the distribution project) on 127.0.0.1 with deletes
 * enabled, for tests that must prove images still pull after a prune. Needs `docker-registry` (and `skopeo`
 * for {@link skopeoCopyAll}): `apt-get install -y docker-registry skopeo`.
 */
export interface RealRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly dataDir: string
  /** Stops the registry and removes its temporary directory. */
  stop(): Promise<void>
}

export interface RealRegistryTools {
  readonly registry?: string
  readonly skopeo?: string
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

/** Paths of the tools, where installed. */
export function realRegistryTools(): RealRegistryTools {
  return { registry: which('docker-registry'), skopeo: which('skopeo') }
}

export const MISSING_TOOLS_HINT =
  'docker-registry and skopeo are not installed (Debian/Ubuntu: apt-get install -y docker-registry skopeo)'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

/** A crashed test run must not leave registries behind. */
function killOnExit(child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL')
  })
}

function configYaml(dataDir: string, port: number): string {
  // protocol-facts.md §2: the Debian package's own config enables htpasswd auth on :5000, so write ours.
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(dataDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ''
  ].join('\n')
}

async function waitReady(
  url: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `docker-registry exited (${child.exitCode ?? child.signalCode}) before serving: ${log()}`
      )
    }
    try {
      const res = await fetch(`${url}/v2/`)
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`docker-registry did not answer ${url}/v2/ within ${timeoutMs} ms: ${log()}`)
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

export interface StartRealRegistryOptions {
  /** Keep the temporary directory after stop() (to inspect storage). */
  readonly keepData?: boolean
  readonly startTimeoutMs?: number
}

/** Starts `docker-registry serve` on a free 127.0.0.1 port with its own data directory. */
export async function startRealRegistry(options: StartRealRegistryOptions = {}): Promise<RealRegistry> {
  const binary = realRegistryTools().registry
  if (!binary) throw new Error(MISSING_TOOLS_HINT)
  const root = await mkdtemp(join(tmpdir(), 'ghcr-retention-registry-'))
  const dataDir = join(root, 'data')
  await mkdir(dataDir)
  let lastError: unknown
  // The port is free when picked but could be taken before the registry binds it: retry a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const configPath = join(root, 'config.yml')
    await writeFile(configPath, configYaml(dataDir, port))
    const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
    killOnExit(child)
    let output = ''
    const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000))
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    const url = `http://127.0.0.1:${port}`
    try {
      await waitReady(url, child, () => output.trim(), options.startTimeoutMs ?? 10_000)
    } catch (error) {
      lastError = error
      await stopChild(child)
      continue
    }
    return {
      url,
      port,
      dataDir,
      stop: async () => {
        await stopChild(child)
        if (!options.keepData) await rm(root, { recursive: true, force: true })
      }
    }
  }
  await rm(root, { recursive: true, force: true })
  throw lastError
}

export interface CopyResult {
  readonly ok: boolean
  readonly exitCode: number | null
  readonly output: string
}

/**
 * `skopeo copy --all docker://<registry>/<repository>:<tag> dir:<dest>`: succeeds only when the tag and
 * every manifest and blob it reaches (all index children, attestations included) can be pulled.
 */
export function skopeoCopyAll(registryUrl: string, reference: string, destDir: string): Promise<CopyResult> {
  const skopeo = realRegistryTools().skopeo
  if (!skopeo) return Promise.reject(new Error(MISSING_TOOLS_HINT))
  const host = new URL(registryUrl).host
  const args = [
    '--insecure-policy',
    'copy',
    '--all',
    '--quiet',
    '--src-tls-verify=false',
    '--src-no-creds',
    `docker://${host}/${reference}`,
    `dir:${destDir}`
  ]
  return new Promise((resolve, reject) => {
    const child = spawn(skopeo, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')))
    child.once('error', reject)
    child.once('close', code => resolve({ ok: code === 0, exitCode: code, output: output.trim() }))
  })
}

export interface PullCheck {
  readonly ok: boolean
  /** What could not be pulled, e.g. `manifest sha256:… (child of sha256:…): 404`. */
  readonly problems: readonly string[]
  /** Manifests fetched (digests), the tagged one first. */
  readonly manifests: readonly string[]
  readonly blobs: number
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

interface Body {
  manifests?: { digest: string }[]
  config?: { digest: string }
  layers?: { digest: string }[]
}

/**
 * Walks everything `reference` reaches (index children recursively, config and layer blobs) and reports what
 * is missing or corrupt. Complements {@link skopeoCopyAll}, which (skopeo 1.9) refuses nested indexes.
 */
export async function checkPullable(
  registryUrl: string,
  repository: string,
  reference: string
): Promise<PullCheck> {
  const v2 = `${registryUrl.replace(/\/+$/, '')}/v2/${repository}`
  const problems: string[] = []
  const manifests: string[] = []
  const seen = new Set<string>()
  const blobs = new Set<string>()
  const visit = async (ref: string, via: string): Promise<void> => {
    const res = await fetch(`${v2}/manifests/${ref}`, { headers: { accept: ACCEPT } })
    const bytes = Buffer.from(await res.arrayBuffer())
    if (res.status !== 200) {
      problems.push(`manifest ${ref}${via}: ${res.status}`)
      return
    }
    const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex')
    if (
      (ref.startsWith('sha256:') && digest !== ref) ||
      res.headers.get('docker-content-digest') !== digest
    ) {
      problems.push(`manifest ${ref}${via}: body hashes to ${digest}`)
      return
    }
    if (seen.has(digest)) return
    seen.add(digest)
    manifests.push(digest)
    const body = JSON.parse(bytes.toString('utf8')) as Body
    for (const child of body.manifests ?? []) await visit(child.digest, ` (child of ${digest})`)
    for (const blob of [...(body.config ? [body.config] : []), ...(body.layers ?? [])]) {
      if (blobs.has(blob.digest)) continue
      blobs.add(blob.digest)
      const head = await fetch(`${v2}/blobs/${blob.digest}`, { method: 'HEAD' })
      if (head.status !== 200) problems.push(`blob ${blob.digest} of ${digest}: ${head.status}`)
    }
  }
  await visit(reference, '')
  return { ok: problems.length === 0, problems, manifests, blobs: blobs.size }
}
