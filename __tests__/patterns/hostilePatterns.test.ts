import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'

/**
 * Patterns that make a backtracking engine run for hours, each through the public entry point the action uses
 * (compilePolicy, the ref templates, PackageGlobs, scanPins). Every case runs in its own child process with a
 * hard timeout: a pattern that hangs is killed and the test fails on the missing result, so a regression fails
 * deterministically instead of stalling the suite. The assertions are on the result (matched or not).
 */
const CHILD_TIMEOUT_MS = 20_000

/** A source file of this checkout, whatever the working directory. */
function src(file: string): string {
  return new URL(`../../src/${file}`, import.meta.url).href
}

/** Runs `body` (an async function body that returns a JSON value) in a child; the value, or why there is none. */
function runIsolated(body: string): { value?: unknown; failure?: string } {
  const code = `const run = async () => { ${body} }\nprocess.stdout.write(JSON.stringify(await run()))`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    timeout: CHILD_TIMEOUT_MS,
    encoding: 'utf8',
    killSignal: 'SIGKILL'
  })
  if (r.signal) return { failure: `killed by ${r.signal} after ${CHILD_TIMEOUT_MS} ms: the pattern hangs` }
  if (r.status !== 0) return { failure: `exit ${r.status}: ${r.stderr.slice(0, 2000)}` }
  return { value: JSON.parse(r.stdout) }
}

const longA = `'a'.repeat(5000) + '!'`
const EIGHT_STARS = '*a*a*a*a*a*a*a*b'
/**
 * 22 brace ranges (lists split on commas, so `{a,b}` cannot be written): minimatch expands them into every
 * combination before matching (capped at 100,000, silently dropping the rest, so `12` × 11 is not even found) and then tries each one per subject; here they are one alternation.
 */
const BRACES = `'{1..2}'.repeat(22)`

describe('no user pattern hangs the run', () => {
  it.each([
    [
      'keep-tags /(a+)+$/ on 5000 a and !',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const p = compilePolicy({ 'keep-tags': '/(a+)+$/' })
       return [p.keepTags[0].matches(${longA}), p.keepTags[0].matches('a'.repeat(5000))]`,
      [false, true]
    ],
    [
      'delete-tags /(a|aa)+b/i and a glob with eight stars on long tags',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const p = compilePolicy({ 'delete-tags': '/(a|aa)+b/i, ${EIGHT_STARS}' })
       const tag = 'a'.repeat(5000)
       return [p.deleteTags[0].matches(tag), p.deleteTags[1].matches(tag), p.deleteTags[1].matches(tag + 'b')]`,
      [false, false, true]
    ],
    [
      'a nested extglob in keep-tags',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const p = compilePolicy({ 'keep-tags': '+(a|aa)b' })
       return [p.keepTags[0].matches('a'.repeat(5000)), p.keepTags[0].matches('aaab')]`,
      [false, true]
    ],
    [
      'a keep-tags glob of 22 braces against 300 tags',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const [m] = compilePolicy({ 'keep-tags': ${BRACES} }).keepTags
       const tags = Array.from({ length: 300 }, (_, k) => '12'.repeat(10) + (k % 2 ? '21' : '13'))
       return [m.matches('12'.repeat(11)), m.matches('21'.repeat(11)), tags.filter(t => m.matches(t)).length]`,
      [true, true, 150]
    ],
    [
      'group-by with nested quantifiers keeps its capture group',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const p = compilePolicy({ 'group-by': '^((a+)+)-x$', 'keep-n-tagged': '1' })
       return [p.groupBy.groupOf(${longA}) ?? null, p.groupBy.groupOf('aaa-x')]`,
      [null, 'aaa']
    ],
    [
      'build-cache-tags with nested quantifiers',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const p = compilePolicy({ 'build-cache-tags': '/(a*)*b/, cache-*' })
       return [p.buildCacheTags[0].matches(${longA}), p.buildCacheTags[0].matches('aab'), p.buildCacheTags[1].matches('cache-x')]`,
      [false, true, true]
    ],
    [
      'pr-tag with seven stars on a 100-character tag',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const [t] = compilePolicy({ 'pr-tag': '*-*-*-*-*-*-*-x{number}' }).prTags
       return [t.numberOf('-'.repeat(100)) ?? null, t.numberOf('-'.repeat(99) + 'x42'), t.numberOf('a-'.repeat(7) + 'x07') ?? null]`,
      [null, 42, null]
    ],
    [
      'branch-tag with seven stars on a 100-character tag',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       const [t] = compilePolicy({ 'branch-tag': '*-*-*-*-*-*-*-x{branch}' }).branchTags
       return [t.branchesOf('-'.repeat(100)).length, t.branchesOf('-------xfeature'), t.branchesOf('a-'.repeat(7) + 'xb-x')]`,
      [0, ['feature'], ['b-x']]
    ],
    [
      'package globs with eight stars and 22 braces on 300 names',
      `const { PackageGlobs } = await import('${src('github/packageGlobs.ts')}')
       const g = new PackageGlobs(['${EIGHT_STARS}', 'app/' + ${BRACES}])
       const names = Array.from({ length: 300 }, (_, k) => 'app/' + '12'.repeat(10) + (k % 2 ? '21' : '13'))
       return [g.matches('a'.repeat(200)), g.matches('a'.repeat(200) + 'b'), names.filter(n => g.matches(n)).length]`,
      [false, true, 150]
    ],
    [
      'protect-pinned globs with eight stars and 22 braces on 302 files',
      `const { mkdtempSync, writeFileSync } = await import('node:fs')
       const { tmpdir } = await import('node:os')
       const { join } = await import('node:path')
       const { scanPins } = await import('${src('pins/scanPins.ts')}')
       const root = mkdtempSync(join(tmpdir(), 'hostile-glob-'))
       writeFileSync(join(root, 'a'.repeat(200)), 'image: x')
       writeFileSync(join(root, 'a'.repeat(20) + 'b'), 'image: x')
       for (let k = 0; k < 300; k++) writeFileSync(join(root, '12'.repeat(10) + (k % 2 ? '21' : '13') + k), '')
       const scan = await scanPins({ root, globs: ['${EIGHT_STARS}', ${BRACES} + '*'], hosts: ['ghcr.io'] })
       return scan.filesScanned`,
      151
    ],
    [
      'a repository file of 1 MiB that the pin scanner reads (its own regexes, applied to data)',
      `const { findReferences } = await import('${src('pins/findReferences.ts')}')
       const pin = 'ghcr.io/o/p@sha256:' + 'a'.repeat(64)
       const inline = 'image: ' + 'ghcr.io/a/'.repeat(100_000) + ' ' + pin
       const yaml = 'digest: sha256:' + 'b'.repeat(64) + '\\nname: ghcr.io/o/q' + ' '.repeat(500_000) + 'x\\n' + 'digest: x' + ' '.repeat(500_000) + 'y'
       return [findReferences(inline, 'a.yaml', ['ghcr.io']).map(r => r.reference), findReferences(yaml, 'b.yaml', ['ghcr.io']).length]`,
      [['ghcr.io/o/p@sha256:' + 'a'.repeat(64)], 0]
    ],
    [
      'an ISO duration of 60,000 digits (tinyduration backtracks on it)',
      `const { compilePolicy } = await import('${src('planner/compilePolicy.ts')}')
       try {
         compilePolicy({ 'older-than': 'P' + '1'.repeat(60_000) + 'x' })
         return 'accepted'
       } catch (e) {
         return /^Invalid input 'older-than': "P1{60000}x". A duration is at most 64 characters/.test(e.message)
       }`,
      true
    ]
  ])('%s', (_name, body, expected) => {
    const r = runIsolated(body)
    expect(r.failure).toBeUndefined()
    expect(r.value).toEqual(expected)
  })
})
