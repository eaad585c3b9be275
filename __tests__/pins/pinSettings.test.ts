import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { collectPins } from '../../src/pins/collectPins.js'
import { DEFAULT_PIN_GLOBS } from '../../src/pins/defaultGlobs.js'
import type { PinnedReference } from '../../src/pins/PinnedReference.js'
import { pinOutcomes, renderPinsSummary, unselectedPins } from '../../src/pins/pinReport.js'
import { parsePinRepositories, parseProtectPinned, pinHosts } from '../../src/pins/pinSettings.js'
import { readSettings } from '../../src/settings/inputs.js'
import type { Decision } from '../../src/planner/Decision.js'

const env = {
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_API_URL: 'https://api.github.com',
  RUNNER_TEMP: '/tmp/rt'
}
const read = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('protect-pinned input', () => {
  it('is on with the default places unless set to false', () => {
    expect(parseProtectPinned('')).toEqual(DEFAULT_PIN_GLOBS)
    expect(parseProtectPinned('true')).toEqual(DEFAULT_PIN_GLOBS)
    expect(parseProtectPinned('false')).toEqual([])
    expect(readSettings(read({ token: 't' }), env).pins).toEqual({
      globs: DEFAULT_PIN_GLOBS,
      hosts: ['ghcr.io'],
      repositories: []
    })
  })

  it('takes globs, with `defaults` standing for the default places', () => {
    expect(parseProtectPinned('deploy/**/*.json, ops/*.yaml')).toEqual(['deploy/**/*.json', 'ops/*.yaml'])
    expect(parseProtectPinned('defaults\nextra/*.json')).toEqual([...DEFAULT_PIN_GLOBS, 'extra/*.json'])
  })

  it.each(['/etc/*.yaml', '../other/*.yaml', 'a/../../b', 'C:/x', 'a\\b.yaml'])(
    'refuses %s, which leaves the checkout, before any request',
    glob => {
      expect(() => readSettings(read({ token: 't', 'protect-pinned': glob }), env)).toThrow(
        `Invalid input 'protect-pinned': ${JSON.stringify(glob)}`
      )
    }
  )

  it('reads the registry host from registry-url, port included', () => {
    expect(pinHosts('https://ghcr.io')).toEqual(['ghcr.io'])
    expect(pinHosts('http://127.0.0.1:5000/')).toEqual(['127.0.0.1:5000'])
    const s = readSettings(read({ token: 't', 'api-url': 'https://ghe.example.com/api/v3' }), env)
    expect(s.pins.hosts).toEqual(['containers.ghe.example.com'])
  })

  it('protect-pinned-repositories: owner/repo[@ref]', () => {
    expect(parsePinRepositories('acme/deploy, acme/infra@prod')).toEqual([
      { owner: 'acme', repo: 'deploy' },
      { owner: 'acme', repo: 'infra', ref: 'prod' }
    ])
    expect(() => readSettings(read({ token: 't', 'protect-pinned-repositories': 'acme' }), env)).toThrow(
      `Invalid input 'protect-pinned-repositories': "acme". Expected repositories written \`owner/repo\``
    )
  })

  it('cache: true by default, false turns it off, anything else is refused', () => {
    expect(readSettings(read({ token: 't' }), env).cache).toEqual({ enabled: true })
    expect(readSettings(read({ token: 't', cache: 'false' }), env).cache).toEqual({ enabled: false })
    expect(() => readSettings(read({ token: 't', cache: 'yes' }), env)).toThrow(
      `Invalid input 'cache': "yes"`
    )
    const dir = readSettings(read({ token: 't' }), { ...env, GHCR_RETENTION_CACHE_DIR: 'rel/dir' }).cache
    expect(dir).toEqual({ enabled: true, dir: path.resolve('rel/dir') })
  })
})

const ref = (over: Partial<PinnedReference>): PinnedReference => ({
  digest: 'sha256:' + 'a'.repeat(64),
  host: 'ghcr.io',
  owner: 'acme',
  packageName: 'app',
  file: 'deploy/app.yaml',
  line: 3,
  reference: 'ghcr.io/acme/app@sha256:' + 'a'.repeat(64),
  ...over
})

describe('collectPins and the summary', () => {
  const logger = () => {
    const lines: string[] = []
    return {
      lines,
      debug: (m: string) => lines.push(`debug ${m}`),
      info: (m: string) => lines.push(`info ${m}`),
      warning: (m: string) => lines.push(`warning ${m}`)
    }
  }

  it('off: no scan, no warning, nothing in the summary', async () => {
    const log = logger()
    const pins = await collectPins({
      pins: { globs: [], hosts: ['ghcr.io'], repositories: [] },
      owner: 'acme',
      env: {},
      logger: log
    })
    expect(pins.enabled).toBe(false)
    expect(log.lines.filter(l => l.startsWith('warning'))).toEqual([])
    expect(renderPinsSummary(pins, [])).toBe('')
  })

  it('says in the summary that nothing was scanned', async () => {
    const log = logger()
    const dir = mkdtempSync(path.join(tmpdir(), 'no-files-'))
    try {
      const pins = await collectPins({
        pins: { globs: DEFAULT_PIN_GLOBS, hosts: ['ghcr.io'], repositories: [] },
        owner: 'acme',
        env: { GITHUB_WORKSPACE: dir },
        logger: log
      })
      expect(log.lines.filter(l => l.startsWith('warning'))).toHaveLength(1)
      expect(log.lines.filter(l => l.startsWith('warning'))[0]).toMatch(
        /^warning protect-pinned scanned nothing \(no file in .* matches protect-pinned\): add actions\/checkout before this step, or set protect-pinned: false\.$/
      )
      expect(renderPinsSummary(pins, [])).toContain(
        'Nothing was scanned (no file in ' +
          dir +
          ' matches protect-pinned), so pinned digests are not protected: add actions/checkout before this step, or set protect-pinned: false.'
      )
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('renders file → reference → package → decision, including pins that no longer resolve', () => {
    const kept = ref({})
    const absent = ref({ digest: 'sha256:' + 'b'.repeat(64), file: 'Dockerfile', line: 1, reference: 'x|y' })
    const other = ref({ packageName: 'other', file: 'k8s/other.yaml' })
    const pins = {
      enabled: true,
      owner: 'acme',
      local: { root: '/w', filesScanned: 3, tooLarge: [], truncated: false, references: [] },
      remoteFiles: 0,
      references: [kept, absent, other]
    }
    const decisions = [{ versionId: 7, digest: kept.digest, action: 'keep', rule: 'pinned' } as Decision]
    const outcomes = [...pinOutcomes(pins, 'APP', decisions), ...unselectedPins(pins, ['app'])]
    expect(outcomes.map(o => o.status)).toEqual(['kept', 'absent', 'not-selected'])
    const md = renderPinsSummary(pins, outcomes)
    expect(md).toContain('3 file(s) scanned in the checkout; 3 digest reference(s) to packages of acme.')
    expect(md).toContain(
      `| <code>deploy/app.yaml:3</code> | <code>${kept.reference}</code> | app | 7 | kept |`
    )
    expect(md).toContain(
      '| <code>Dockerfile:1</code> | <code>x&#124;y</code> | app | — | ⚠️ not in the package (pull fails) |'
    )
    expect(md).toContain('| <code>k8s/other.yaml:3</code> |')
    expect(md).toContain('package not selected this run')
  })
})
