// dist/ ships third-party code (ncc bundles the dependencies into dist/index.js), so it ships their licence
// notices too: `ncc build --license licenses.txt` writes dist/licenses.txt. This checks the notice file against
// what is really inside the bundles (the packages named in their source maps) and against package-lock.json.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { readRepoFile, repoRoot } from './repoFiles.js'

const dist = path.join(repoRoot, 'dist')

// Permissive licences only: a copyleft licence in a bundled dependency would bind everyone who uses the action.
// `MIT/X11` is not SPDX but is how some older packages (chainsaw) spell MIT.
const ALLOWED = new Set([
  'MIT',
  'MIT/X11',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0'
])
// Packages published without a licence field, each reviewed: name → why it may ship.
const UNDECLARED: Record<string, string> = {
  buffers:
    '0.1.1, reached only through @actions/artifact (unzip-stream → binary); GitHub ships it in its own actions'
}

/** An SPDX expression of allowed licences: `A OR B` needs one side allowed, `A AND B` both. */
const permissive = (expression: string): boolean =>
  expression
    .replace(/[()]/g, '')
    .split(/\s+OR\s+/)
    .some(alternative => alternative.split(/\s+AND\s+/).every(id => ALLOWED.has(id.trim())))

interface LockPackage {
  version?: string
  license?: string
  dev?: boolean
}
const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, LockPackage> }

/** Lock entries by package name (a name can be installed at several paths and versions). */
const lockByName = new Map<string, LockPackage[]>()
for (const [where, pkg] of Object.entries(lock.packages)) {
  const at = where.lastIndexOf('node_modules/')
  if (at < 0) continue
  const name = where.slice(at + 'node_modules/'.length)
  lockByName.set(name, [...(lockByName.get(name) ?? []), pkg])
}

/** ncc's format: `name`, `licence id`, the licence text, entries separated by a blank line. */
const parseLicenses = (text: string): Map<string, string> => {
  const entries = new Map<string, string>()
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    if (i > 0 && lines[i - 1] !== '') return
    const candidates = lockByName.get(line)
    const declared = (pkg: LockPackage) => pkg.license ?? (line in UNDECLARED ? lines[i + 1] : undefined)
    if (lines[i + 1] !== undefined && candidates?.some(pkg => declared(pkg) === lines[i + 1])) {
      entries.set(line, lines[i + 1])
    }
  })
  return entries
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap(name => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : [full]
  })

/** Packages whose code a bundle contains, from the `node_modules/...` paths among its source map's sources. */
const bundledPackages = (mapFile: string): string[] => {
  const { sources } = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] }
  const names = new Set<string>()
  for (const source of sources) {
    const at = source.lastIndexOf('node_modules/')
    if (at < 0) continue
    const [scope, name] = source.slice(at + 'node_modules/'.length).split('/')
    names.add(scope.startsWith('@') ? `${scope}/${name}` : scope)
  }
  return [...names].sort()
}

describe('dist/licenses.txt', () => {
  const file = path.join(dist, 'licenses.txt')

  it('is written by the bundle script', () => {
    const { scripts } = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }
    // ncc's `--license licenses.txt`, or a script that writes the list after it (ncc's own misses ES modules).
    expect(scripts.bundle).toMatch(/--license licenses\.txt|dist-licenses/)
  })

  it('exists beside dist/index.js and is not empty', () => {
    expect(existsSync(path.join(dist, 'index.js'))).toBe(true)
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThan(0)
  })

  it('lists every package bundled anywhere in dist/, with the licence package-lock.json records', () => {
    const notices = walk(dist)
      .filter(f => path.basename(f) === 'licenses.txt')
      .map(f => parseLicenses(readFileSync(f, 'utf8')))
    const listed = new Map(notices.flatMap(n => [...n]))
    const maps = walk(dist).filter(f => f.endsWith('.js.map'))
    expect(maps.length).toBeGreaterThan(0)
    const bundled = [...new Set(maps.flatMap(bundledPackages))].sort()
    expect(bundled.length).toBeGreaterThan(0)
    const missing = bundled.filter(name => !listed.has(name))
    expect({ missingFromLicenses: missing }).toEqual({ missingFromLicenses: [] })
  })

  it('lists only permissively licensed packages', () => {
    const listed = parseLicenses(readFileSync(file, 'utf8'))
    expect(listed.size).toBeGreaterThan(0)
    for (const [name, licence] of listed) {
      const allowed = permissive(licence) || name in UNDECLARED
      expect({ name, licence, allowed }).toEqual({ name, licence, allowed: true })
    }
  })

  it('parses what ncc writes (the check can fail)', () => {
    const sample = [
      '@actions/core',
      'MIT',
      'The MIT License',
      '',
      'Copyright',
      '',
      'not-a-package',
      'MIT',
      'x'
    ].join('\n')
    expect([...parseLicenses(sample)]).toEqual([['@actions/core', 'MIT']])
    expect(permissive('(Apache-2.0 AND BSD-3-Clause)')).toBe(true)
    expect(permissive('MIT OR GPL-3.0-only')).toBe(true)
    expect(permissive('MIT AND GPL-3.0-only')).toBe(false)
    expect(permissive('UNKNOWN')).toBe(false)
  })
})

describe('LICENSE', () => {
  it('is the MIT licence of the ghcr-retention contributors, as package.json says', () => {
    const licence = readRepoFile('LICENSE')
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) 2026 ghcr-retention contributors\n/)
    expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND')
    expect((JSON.parse(readRepoFile('package.json')) as { license: string }).license).toBe('MIT')
  })
})
