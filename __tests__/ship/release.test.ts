// The release path: CHANGELOG.md stays in keep-a-changelog form (the release workflow publishes a version's
// section as its notes), and script/release refuses a tag that is not ready.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readRepoFile, repoRoot } from './repoFiles.js'

const SECTIONS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']
const VERSION_HEADING = /^## \[(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?\] - (\d{4}-\d{2}-\d{2})$/

const release = (args: string[], env: Record<string, string> = {}) => {
  const run = spawnSync('bash', [path.join(repoRoot, 'script/release'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, RELEASE_SKIP_DIST: '1', ...env },
    timeout: 20_000
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('CHANGELOG.md', () => {
  const changelog = readRepoFile('CHANGELOG.md')
  const headings = changelog.split('\n').filter(line => line.startsWith('## '))

  it('follows keep-a-changelog: title, format note, [Unreleased] first', () => {
    expect(changelog.startsWith('# Changelog\n')).toBe(true)
    expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)')
    expect(changelog).toContain('[Semantic Versioning](https://semver.org/spec/v2.0.0.html)')
    expect(headings[0]).toBe('## [Unreleased]')
  })

  it('has release headings `## [X.Y.Z] - YYYY-MM-DD`, newest first, each with a link reference', () => {
    const versions = headings.slice(1).map(heading => {
      const match = VERSION_HEADING.exec(heading)
      expect({ heading, valid: match !== null }).toEqual({ heading, valid: true })
      const [, major, minor, patch, , date] = match ?? []
      expect(Number.isNaN(Date.parse(date))).toBe(false)
      return { key: [major, minor, patch].map(Number), date, name: heading.slice(4, heading.indexOf(']')) }
    })
    for (let i = 1; i < versions.length; i++) {
      const [a, b] = [versions[i - 1], versions[i]]
      const newer = a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]
      expect({ order: `${a.name} before ${b.name}`, newer: newer > 0 }).toEqual({
        order: `${a.name} before ${b.name}`,
        newer: true
      })
      expect(a.date >= b.date).toBe(true)
    }
    for (const name of ['unreleased', ...versions.map(v => v.name)]) {
      expect(changelog.toLowerCase()).toMatch(
        new RegExp(`^\\[${name.replace(/\./g, '\\.')}\\]: https://`, 'm')
      )
    }
  })

  it('uses only the keep-a-changelog change types, and the Unreleased section lists changes', () => {
    const types = changelog
      .split('\n')
      .filter(line => line.startsWith('### '))
      .map(line => line.slice(4))
    expect(types.length).toBeGreaterThan(0)
    for (const type of types) expect(SECTIONS).toContain(type)
    const unreleased = release(['notes', 'Unreleased'], {
      RELEASE_CHANGELOG: path.join(repoRoot, 'CHANGELOG.md')
    })
    expect(unreleased.status).toBe(0)
    expect(unreleased.stdout).toMatch(/^### Added\n\n- /)
  })
})

describe('script/release', () => {
  let dir = ''
  const file = (name: string, text: string) => {
    const full = path.join(dir, name)
    writeFileSync(full, text)
    return full
  }
  let changelog = ''

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'release-'))
    changelog = file(
      'CHANGELOG.md',
      [
        '# Changelog',
        '',
        '## [Unreleased]',
        '',
        '## [1.1.0] - 2026-12-01',
        '',
        '### Fixed',
        '',
        '- kept tags survive a cancelled run',
        '',
        '',
        '## [1.0.0] - 2026-11-30',
        '',
        '### Added',
        '',
        '- first release',
        '',
        '[unreleased]: https://example.test/compare/v1.1.0...HEAD',
        '[1.1.0]: https://example.test/compare/v1.0.0...v1.1.0',
        '[1.0.0]: https://example.test/releases/tag/v1.0.0',
        ''
      ].join('\n')
    )
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints exactly the section of a version as release notes, with or without the v', () => {
    const env = { RELEASE_CHANGELOG: changelog }
    expect(release(['notes', '1.1.0'], env)).toEqual({
      status: 0,
      stdout: '### Fixed\n\n- kept tags survive a cancelled run\n',
      stderr: ''
    })
    // The last section stops at the link references.
    expect(release(['notes', 'v1.0.0'], env).stdout).toBe('### Added\n\n- first release\n')
  })

  it('refuses a version without a section, or with an empty one', () => {
    const env = { RELEASE_CHANGELOG: changelog }
    const missing = release(['notes', '2.0.0'], env)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain("has no section '## [2.0.0]' with entries")
    expect(release(['notes', 'Unreleased'], env).status).toBe(1)
  })

  it('verifies a tag: semver, package.json version, a dated changelog heading', () => {
    const env = {
      RELEASE_CHANGELOG: changelog,
      RELEASE_PACKAGE_JSON: file('package.json', '{"version":"1.1.0"}')
    }
    expect(release(['verify', 'v1.1.0'], env)).toEqual({
      status: 0,
      stdout: 'release: v1.1.0 verified\n',
      stderr: ''
    })

    const notSemver = release(['verify', 'v1.1'], env)
    expect(notSemver.status).toBe(1)
    expect(notSemver.stderr).toContain("'v1.1' is not a semantic version: expected X.Y.Z or vX.Y.Z")

    const otherVersion = release(['verify', 'v1.0.0'], env)
    expect(otherVersion.status).toBe(1)
    expect(otherVersion.stderr).toContain("has version '1.1.0' but the tag is v1.0.0")

    const undocumented = release(['verify', 'v1.2.0'], {
      ...env,
      RELEASE_PACKAGE_JSON: file('package-1.2.json', '{"version":"1.2.0"}')
    })
    expect(undocumented.status).toBe(1)
    expect(undocumented.stderr).toContain("no heading '## [1.2.0] - YYYY-MM-DD'")
  })

  it('never moves the major tag to a pre-release', () => {
    const moved = release(['major', 'v1.2.0-rc.1'])
    expect(moved.status).toBe(1)
    expect(moved.stderr).toContain('v1.2.0-rc.1 is a pre-release')
  })
})
