// The grep recipes of docs/log-format.md are run, as written, on the same log in the three shapes a user has it
// in: the CLI's bare lines, a runner's raw log (every line starts with an ISO timestamp) and `gh run view --log`
// (job and step names, then the timestamp). A recipe anchored with `^` finds nothing in the last two.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readRepoFile } from './repoFiles.js'

/** The log, one line each; `debug` lines are what core.debug writes (`##[debug]` in a runner's raw log). */
const LOG: readonly { text: string; debug?: true }[] = [
  {
    text: 'dry-run: would delete app:<untagged> package_version=241387187 media_type=oci-manifest associated_tag=foo platform=linux/arm64 role=platform-image rule=closure digest=sha256:5ae8 parent=sha256:a123'
  },
  { text: 'reason package_version=241387187: child (linux/arm64) of deleted tag foo', debug: true },
  {
    text: 'dry-run: would delete app:<untagged> package_version=241362761 media_type=docker-manifest-v2 associated_tag=<none> platform=<none> role=orphan rule=delete-untagged digest=sha256:fd40'
  },
  {
    text: 'dry-run: would keep app:v1.2,latest package_version=234860550 media_type=oci-index associated_tag=v1.2,latest platform=<none> role=tagged-root rule=keep-tags digest=sha256:aebf'
  },
  {
    text: 'deleted app:foo package_version=241387100 media_type=oci-index associated_tag=foo platform=<none> role=tagged-root rule=delete-tags digest=sha256:77aa'
  },
  {
    text: 'kept app:main,foobar package_version=241387300 media_type=oci-index associated_tag=main,foobar platform=<none> role=tagged-root rule=delete-tags digest=sha256:99bb'
  },
  { text: '▸ app: would delete 3 of 7 versions' },
  {
    text: 'dry-run: totals app: versions=7 kept=4 deleted=3 already_gone=0 refused=0 failed=0 deferred=0 held_back=0'
  }
]

type Shape = 'bare' | 'runner raw log' | 'gh run view --log'

const render = (shape: Shape): string[] =>
  LOG.map(({ text, debug }, i) => {
    if (shape === 'bare') return text
    const stamp = `2026-11-25T03:17:42.${String(5_123_400 + i).padStart(7, '0')}Z ${debug ? '##[debug]' : ''}`
    return shape === 'runner raw log'
      ? stamp + text
      : `prune\tRun ghcr-retention/ghcr-retention@v1\t${stamp}${text}`
  })

/** What each recipe (by its comment) must print: indexes into LOG (the line as the log has it) or exact text. */
const EXPECTED: Record<string, { lines: number[] } | { text: string[] }> = {
  'everything that was (or would be) deleted': { lines: [0, 2, 4] },
  'what a tag takes with it': { lines: [0, 4] },
  'true orphans': { lines: [2] },
  'the ids of deleted versions': { text: ['241387100'] },
  'why a version was kept or deleted (debug log)': { lines: [0, 1] }
}

/** The `# comment` / command pairs of the ```sh block under "## Recipes". */
const recipes = (markdown: string): { name: string; command: string }[] => {
  const section = markdown.slice(markdown.indexOf('## Recipes'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)
  if (!block) throw new Error('docs/log-format.md: no ```sh block under "## Recipes"')
  const out: { name: string; command: string }[] = []
  let name = ''
  for (const line of block[1].split('\n')) {
    if (line.startsWith('# ')) name = line.slice(2).trim()
    else if (line.trim() !== '') out.push({ name, command: line })
  }
  return out
}

describe('docs/log-format.md recipes', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'log-recipes-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Runs a recipe in a directory whose log.txt is the log in `shape`; returns its output lines. */
  const run = (command: string, shape: Shape): string[] => {
    writeFileSync(path.join(dir, 'log.txt'), render(shape).join('\n') + '\n')
    const result = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 10_000 })
    if (result.status !== 0 && result.status !== 1) throw new Error(`${command}: ${result.stderr}`)
    return result.stdout.split('\n').filter(line => line !== '')
  }

  const documented = recipes(readRepoFile('docs/log-format.md'))

  it('every recipe has an expectation here, and every expectation a recipe', () => {
    expect(documented.map(r => r.name).sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const shape of ['bare', 'runner raw log', 'gh run view --log'] as const) {
    it(`each recipe finds exactly its lines in a ${shape}`, () => {
      const lines = render(shape)
      for (const { name, command } of documented) {
        const want = EXPECTED[name]
        const expected = 'lines' in want ? want.lines.map(i => lines[i]) : want.text
        expect({ name, output: run(command, shape) }).toEqual({ name, output: expected })
      }
    })
  }

  it('a recipe anchored with ^ (the old form) misses every line of a timestamped log: the check can fail', () => {
    const anchored = "grep -E '^(dry-run: would delete|deleted) ' log.txt"
    expect(run(anchored, 'bare')).toHaveLength(3)
    expect(run(anchored, 'runner raw log')).toEqual([])
    expect(run(anchored, 'gh run view --log')).toEqual([])
  })
})
