/**
 * protect-pinned-repositories: other repositories read through the REST API. The simulator does not serve
 * repository contents, so a throwaway loopback server answers the three routes the reader uses, in the shapes
 * GitHub documents; the reader under test is the real one, on the action's own Octokit.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { PackagesClient } from '../../src/github/PackagesClient.js'
import { run } from '../../src/main.js'
import { silentLogger } from '../../src/log/Logger.js'
import { collectPins } from '../../src/pins/collectPins.js'
import { DEFAULT_PIN_GLOBS } from '../../src/pins/defaultGlobs.js'
import { octokitRepoReader, scanRepositories, type RepoFileReader } from '../../src/pins/scanRepositories.js'
import { realisticScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator } from '../../src/sim/server.js'
import { serve } from '../http/loopback.js'

const D1 = 'sha256:' + '1'.repeat(64)
const D2 = 'sha256:' + '2'.repeat(64)

interface File {
  readonly path: string
  readonly text: string
}

const REPOS: Record<string, { branch: string; files: File[]; truncated?: boolean }> = {
  'acme/deploy': {
    branch: 'production',
    files: [
      { path: 'k8s/app.yaml', text: `spec:\n  image: ghcr.io/acme/app@${D1}\n` },
      { path: 'README.md', text: `ghcr.io/acme/app@${D2}\n` },
      {
        path: 'clusters/eu/kustomization.yaml',
        text: `images:\n  - name: app\n    newName: ghcr.io/acme/worker\n    digest: ${D2}\n`
      }
    ]
  },
  'acme/monorepo': { branch: 'main', files: [], truncated: true }
}

const blobSha = (f: File): string => createHash('sha1').update(f.text).digest('hex')
const requests: string[] = []

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  requests.push(`${req.method} ${url.pathname}${url.search}`)
  const m = /^\/repos\/([^/]+)\/([^/]+)(\/git\/(trees|blobs)\/(.+))?$/.exec(url.pathname)
  const repo = m ? REPOS[`${m[1]}/${m[2]}`] : undefined
  // docs.github.com/en/rest/repos/repos#get-a-repository: 404 "Not Found" for a repository the token cannot see.
  if (!m || !repo)
    return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
  if (!m[3]) return json(res, 200, { full_name: `${m[1]}/${m[2]}`, default_branch: repo.branch })
  if (m[4] === 'trees') {
    // docs.github.com/en/rest/git/trees#get-a-tree: `tree_sha` may be a branch name; `recursive` lists every
    // level; `truncated` is true when the list exceeded the endpoint's limit.
    if (decodeURIComponent(m[5]) !== repo.branch || !url.searchParams.has('recursive'))
      return json(res, 404, { message: 'Not Found' })
    const dirs = new Set(
      repo.files.flatMap(f =>
        f.path
          .split('/')
          .slice(0, -1)
          .map((_, i, a) => a.slice(0, i + 1).join('/'))
      )
    )
    return json(res, 200, {
      sha: 'f'.repeat(40),
      tree: [
        ...[...dirs].map(d => ({ path: d, mode: '040000', type: 'tree', sha: 'd'.repeat(40) })),
        ...repo.files.map(f => ({
          path: f.path,
          mode: '100644',
          type: 'blob',
          sha: blobSha(f),
          size: f.text.length
        }))
      ],
      truncated: repo.truncated ?? false
    })
  }
  // docs.github.com/en/rest/git/blobs#get-a-blob: base64 content, wrapped in lines like GitHub sends it.
  const file = repo.files.find(f => blobSha(f) === m[5])
  if (!file) return json(res, 404, { message: 'Not Found' })
  const b64 = Buffer.from(file.text)
    .toString('base64')
    .replace(/(.{60})/g, '$1\n')
  return json(res, 200, { sha: m[5], size: file.text.length, encoding: 'base64', content: b64 })
}

let stub: Awaited<ReturnType<typeof serve>>
let reader: RepoFileReader
beforeAll(async () => {
  stub = await serve(handler)
  reader = octokitRepoReader(
    new PackagesClient({ token: 't0ken', apiUrl: stub.url, timeScale: 0.001 }).octokit
  )
})
afterAll(() => stub.close())

const options = { globs: DEFAULT_PIN_GLOBS, hosts: ['ghcr.io'], logger: silentLogger }

describe('scanRepositories', () => {
  it('reads the default branch, only the files the globs select, and names them repo:path', async () => {
    requests.length = 0
    const scan = await scanRepositories([{ owner: 'acme', repo: 'deploy' }], reader, options)
    expect(scan.files).toBe(2)
    expect(scan.references.map(r => [r.file, r.line, r.packageName, r.digest])).toEqual([
      ['acme/deploy:k8s/app.yaml', 2, 'app', D1],
      ['acme/deploy:clusters/eu/kustomization.yaml', 4, 'worker', D2]
    ])
    expect(requests.filter(r => r.includes('/git/blobs/'))).toHaveLength(2)
    expect(requests[1]).toBe('GET /repos/acme/deploy/git/trees/production?recursive=true')
  })

  it('takes an explicit ref without asking for the default branch', async () => {
    requests.length = 0
    await scanRepositories([{ owner: 'acme', repo: 'deploy', ref: 'production' }], reader, options)
    expect(requests.some(r => r === 'GET /repos/acme/deploy')).toBe(false)
  })

  it('fails, naming the repository, when it cannot be read in full', async () => {
    await expect(scanRepositories([{ owner: 'acme', repo: 'secret' }], reader, options)).rejects.toThrow(
      /protect-pinned-repositories: acme\/secret could not be read \(HTTP 404\).*actions\/checkout/s
    )
    await expect(scanRepositories([{ owner: 'acme', repo: 'monorepo' }], reader, options)).rejects.toThrow(
      'the file list of acme/monorepo@main is too large for the API (truncated)'
    )
    await expect(
      scanRepositories([{ owner: 'acme', repo: 'deploy' }], reader, { ...options, maxFiles: 1 })
    ).rejects.toThrow('2 files of acme/deploy@production match protect-pinned, more than the 1 read')
  })

  it('adds other repositories to the checkout scan, even with the checkout scan off', async () => {
    const pins = await collectPins({
      pins: { globs: [], hosts: ['ghcr.io'], repositories: [{ owner: 'acme', repo: 'deploy' }] },
      owner: 'ACME',
      env: {},
      logger: silentLogger,
      reader
    })
    expect(pins).toMatchObject({ enabled: true, remoteFiles: 2 })
    expect(pins.references.map(r => r.file)).toEqual([
      'acme/deploy:k8s/app.yaml',
      'acme/deploy:clusters/eu/kustomization.yaml'
    ])
  })
})

/** Runs the action in-process (src/main.ts) with these inputs; returns the workflow-command lines it printed. */
async function runInProcess(inputs: Record<string, string>): Promise<string[]> {
  const names = Object.keys(inputs).map(k => `INPUT_${k.toUpperCase()}`)
  const saved = new Map([...names, 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE'].map(n => [n, process.env[n]]))
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v
  delete process.env.GITHUB_STEP_SUMMARY
  delete process.env.GITHUB_WORKSPACE
  const lines: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter(l => l !== '')
    )
    return true
  }) as typeof process.stdout.write
  const exitCode = process.exitCode
  try {
    await run({ timeScale: 0.001 })
  } finally {
    process.stdout.write = write
    process.exitCode = exitCode
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n]
      else process.env[n] = v
    }
  }
  return lines
}

describe('protect-pinned-repositories in a run', () => {
  it('an unreadable repository stops the prune before any delete', async () => {
    const sim = await startSimulator({ timeScale: 0.001, rateLimits: false, tokenTtlSeconds: 86_400 })
    try {
      sim.addOwner('acme', 'Organization')
      for (const p of realisticScenario({ owner: 'acme', name: 'app', now: sim.clock.now() }))
        sim.loadPackage(p)
      const log = await runInProcess({
        token: sim.token,
        owner: 'acme',
        packages: 'app',
        'api-url': sim.apiUrl,
        'registry-url': sim.registryUrl,
        'upload-journal': 'false',
        'journal-file': path.join(tmpdir(), `unread-${process.pid}.json`),
        'protect-pinned': 'false',
        'protect-pinned-repositories': 'acme/nowhere'
      })
      const failure = log.find(l => l.startsWith('::error::'))
      expect(failure).toMatch(
        /^::error::protect-pinned-repositories: acme\/nowhere could not be read \(HTTP 404\)/
      )
      expect(sim.requests.some(r => r.method === 'DELETE')).toBe(false)
      expect(sim.requests.some(r => r.side === 'registry')).toBe(false)
    } finally {
      await sim.close()
    }
  })
})
