import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_PIN_GLOBS } from '../../src/pins/defaultGlobs.js'
import { scanPins } from '../../src/pins/scanPins.js'

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/repo')
/** The fixture files were written with digests `sha256(seed)`; recomputing them here checks every one. */
const digest = (seed: string): string => 'sha256:' + createHash('sha256').update(seed).digest('hex')

let root: string
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'pins-'))
  cpSync(fixture, root, { recursive: true })
  // Not committed (ignored by git, or too big to commit): dependencies, VCS data, a huge manifest, a symlink.
  const pin = `image: ghcr.io/octo-org/app@${digest('hidden')}\n`
  mkdirSync(path.join(root, 'node_modules/lib'), { recursive: true })
  writeFileSync(path.join(root, 'node_modules/lib/docker-compose.yml'), pin)
  mkdirSync(path.join(root, '.git/refs'), { recursive: true })
  writeFileSync(path.join(root, '.git/docker-compose.yml'), pin)
  writeFileSync(path.join(root, 'deploy/k8s/huge.yaml'), pin + '#'.repeat(1024 * 1024))
  const outside = mkdtempSync(path.join(tmpdir(), 'pins-outside-'))
  mkdirSync(path.join(outside, 'k8s'))
  writeFileSync(path.join(outside, 'k8s/x.yaml'), pin)
  symlinkSync(outside, path.join(root, 'linked'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('scanPins on a fixture repository', () => {
  it('finds the pins of every file kind with file and line, and nothing else', async () => {
    const scan = await scanPins({ root, globs: DEFAULT_PIN_GLOBS, hosts: ['ghcr.io'] })
    const found = scan.references.map(r => [
      r.file,
      r.line,
      `${r.owner}/${r.packageName}`,
      r.tag ?? '',
      r.digest
    ])
    expect(found).toEqual([
      ['.github/workflows/deploy.yml', 7, 'octo-org/ci-runner', '', digest('ci-runner')],
      ['.github/workflows/deploy.yml', 10, 'octo-org/postgres', '16', digest('postgres')],
      ['.github/workflows/deploy.yml', 12, 'octo-org/tools/lint', '1.2', digest('lint')],
      ['Containerfile', 1, 'octo-org/base', 'ubi', digest('base-ubi')],
      ['Dockerfile', 1, 'octo-org/base', '22', digest('base-22')],
      ['Dockerfile', 4, 'octo-org/tools/lint', '', digest('lint-copy')],
      ['build/worker.Dockerfile', 1, 'octo-org/base', '', digest('base-worker')],
      ['charts/app/values-prod.yaml', 5, 'octo-org/app', 'prod', digest('app-prod')],
      ['charts/app/values.yaml', 6, 'octo-org/app', '1.2.0', digest('app-1.2.0')],
      ['charts/app/values.yaml', 10, 'octo-org/sidecar', '', digest('sidecar')],
      ['deploy/k8s/app.yaml', 10, 'octo-org/app', '', digest('app-migrate')],
      ['deploy/k8s/app.yaml', 13, 'octo-org/app', '1.3.1', digest('app-1.3.1')],
      ['docker-compose.yml', 3, 'octo-org/app', '1.4.0', digest('app-1.4.0')],
      ['infra/main.tf', 6, 'octo-org/app', '', digest('app-terraform')],
      ['infra/prod.tfvars', 1, 'octo-org/worker', '2', digest('worker-tfvars')],
      ['overlays/prod/kustomization.yaml', 6, 'octo-org/app', '', digest('app-kustomize')],
      ['overlays/prod/kustomization.yaml', 10, 'octo-org/worker-pinned', '', digest('worker-kustomize')]
    ])
    // README.md is not a deployment file; node_modules, .git and the symlinked directory are never entered.
    expect(scan.references.map(r => r.digest)).not.toContain(digest('readme'))
    expect(scan.references.map(r => r.digest)).not.toContain(digest('hidden'))
    expect(scan.tooLarge).toEqual(['deploy/k8s/huge.yaml'])
    expect(scan.filesScanned).toBe(12)
    expect(scan.truncated).toBe(false)
  })

  it('keeps the reference as written, with the mixed-case owner, for the summary', async () => {
    const scan = await scanPins({ root, globs: ['docker-compose.yml'], hosts: ['ghcr.io'] })
    expect(scan.references).toEqual([
      expect.objectContaining({
        host: 'ghcr.io',
        owner: 'octo-org',
        packageName: 'app',
        reference: `ghcr.io/Octo-Org/app:1.4.0@${digest('app-1.4.0')}`
      })
    ])
  })

  it('reads only the files the globs select', async () => {
    const scan = await scanPins({ root, globs: ['**/*.tf', 'README.md'], hosts: ['ghcr.io'] })
    expect(scan.references.map(r => r.file)).toEqual(['README.md', 'infra/main.tf'])
    expect(scan.filesScanned).toBe(2)
  })

  it('matches only the configured registry host', async () => {
    const scan = await scanPins({ root, globs: DEFAULT_PIN_GLOBS, hosts: ['docker.io'] })
    expect(scan.references.map(r => `${r.owner}/${r.packageName}`)).toEqual(['library/redis'])
  })

  it('stops at the file limit and says so', async () => {
    const scan = await scanPins({ root, globs: DEFAULT_PIN_GLOBS, hosts: ['ghcr.io'], maxFiles: 2 })
    expect(scan.filesScanned).toBe(2)
    expect(scan.truncated).toBe(true)
  })

  it('treats a missing root as an empty scan', async () => {
    const scan = await scanPins({
      root: path.join(root, 'nope'),
      globs: DEFAULT_PIN_GLOBS,
      hosts: ['ghcr.io']
    })
    expect(scan).toMatchObject({ filesScanned: 0, references: [], truncated: false })
  })
})
