import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

/**
 * The first "done" condition: the planner does no I/O — no HTTP, files, environment or clock. Walks the
 * import graph from every file of src/planner (project files only; packages are checked by name) and scans the
 * source for the globals that would reach the outside world.
 */
const ROOT = path.resolve('src')
// semver: pure version parsing and comparison (keep-semver). re2js: a pure-JavaScript RE2 engine, which matches
// user patterns in linear time (src/patterns).
const ALLOWED_PACKAGES = new Set(['parse-duration', 're2js', 'semver', 'tinyduration'])
// node:crypto is only used by src/model/Manifest.ts to hash bytes the I/O layer hands over.
const ALLOWED_NODE = new Set(['node:crypto'])
const FORBIDDEN = [
  /process\.env/,
  /Date\.now\(/,
  /new Date\(\s*\)/,
  /performance\.now/,
  /Math\.random/,
  /\bfetch\(/,
  /setTimeout/,
  /require\(/
]

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(m => m[1])
}

function walk(): { files: Set<string>; externals: Set<string> } {
  const files = new Set<string>()
  const externals = new Set<string>()
  const queue = readdirSync(path.join(ROOT, 'planner'))
    .filter(f => f.endsWith('.ts'))
    .map(f => path.join(ROOT, 'planner', f))
  while (queue.length) {
    const file = queue.pop()!
    if (files.has(file)) continue
    files.add(file)
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')))
      else externals.add(spec)
    }
  }
  return { files, externals }
}

describe('planner purity', () => {
  const { files, externals } = walk()

  it('imports only pure packages and no Node module that does I/O', () => {
    const bad = [...externals].filter(s => !ALLOWED_PACKAGES.has(s) && !ALLOWED_NODE.has(s))
    expect(bad).toEqual([])
    expect(files.size).toBeGreaterThan(15)
    expect([...files].every(f => f.startsWith(ROOT))).toBe(true)
  })

  it('never reads the environment, the clock or randomness', () => {
    const hits: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      for (const re of FORBIDDEN) if (re.test(text)) hits.push(`${path.relative(ROOT, file)}: ${re}`)
    }
    expect(hits).toEqual([])
  })
})
