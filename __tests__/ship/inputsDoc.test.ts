// docs/inputs.md is the input and output reference users read; action.yml is what the runner uses. The page is
// generated from action.yml (script/docs-inputs.mjs --write): the committed page must be byte for byte what the
// generator makes of today's action.yml. Independently of the generator, the page's tables are parsed and
// compared with action.yml name by name, so a hand edit on either side, or a generator that drops a row, fails.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadActionMetadata, readRepoFile, repoRoot, type ActionMetadata } from './repoFiles.js'

const PAGE = 'docs/inputs.md'

const NO_DEFAULT = '—'

interface Row {
  name: string
  default?: string
  description: string
}

/** Splits a Markdown table row on unescaped pipes and unescapes `\|` inside cells. */
const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim().replace(/\\\|/g, '|'))

const unquote = (cell: string, what: string): string => {
  const match = /^`(.*)`$/.exec(cell)
  if (!match) throw new Error(`${what} ${JSON.stringify(cell)} is not in backticks`)
  return match[1]
}

/** The first table after the `## <heading>` line, as rows keyed by the backticked first column. */
const pageTable = (page: string, heading: string, header: string[]): Row[] => {
  const lines = page.split('\n')
  const start = lines.findIndex(line => line.trim() === `## ${heading}`)
  if (start < 0) throw new Error(`${PAGE} has no "## ${heading}" section`)
  let i = start + 1
  while (i < lines.length && !lines[i].trim().startsWith('|')) {
    if (/^#{1,2} /.test(lines[i])) throw new Error(`${PAGE} "## ${heading}" has no table`)
    i++
  }
  const table: string[] = []
  while (i < lines.length && lines[i].trim().startsWith('|')) table.push(lines[i++])
  const [head, rule, ...body] = table
  if (!head || JSON.stringify(cells(head)) !== JSON.stringify(header)) {
    throw new Error(
      `${PAGE} "## ${heading}" table header is ${JSON.stringify(head)}, expected | ${header.join(' | ')} |`
    )
  }
  if (!rule || !cells(rule).every(c => /^:?-{3,}:?$/.test(c)))
    throw new Error(`"## ${heading}" table has no --- rule`)
  return body.map(line => {
    const row = cells(line)
    if (row.length !== header.length) throw new Error(`"## ${heading}" row has ${row.length} cells: ${line}`)
    const name = unquote(row[0], `${heading} name`)
    const description = row[row.length - 1]
    if (header.length === 2) return { name, description }
    return {
      name,
      description,
      default: row[1] === NO_DEFAULT ? undefined : unquote(row[1], `default of ${name}`)
    }
  })
}

const normalise = (text: unknown): string =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()

/** Every disagreement between action.yml and the page's tables, one line each. */
const tableDrift = (action: ActionMetadata, page: string): string[] => {
  const drift: string[] = []
  const compare = (kind: string, declared: Record<string, Row>, documented: Row[]) => {
    const seen = new Set<string>()
    for (const row of documented) {
      if (seen.has(row.name)) drift.push(`${kind} \`${row.name}\` is listed twice in ${PAGE}`)
      seen.add(row.name)
      const spec = declared[row.name]
      if (!spec) {
        drift.push(`${kind} \`${row.name}\` is in ${PAGE} but not in action.yml`)
        continue
      }
      if (spec.default !== row.default) {
        drift.push(
          `${kind} \`${row.name}\` default: action.yml ${JSON.stringify(spec.default)}, ${PAGE} ${JSON.stringify(row.default)}`
        )
      }
      if (normalise(spec.description) !== normalise(row.description)) {
        drift.push(`${kind} \`${row.name}\` description differs between action.yml and ${PAGE}`)
      }
    }
    for (const name of Object.keys(declared)) {
      if (!seen.has(name)) drift.push(`${kind} \`${name}\` is in action.yml but not in ${PAGE}`)
    }
  }
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => {
      const value = spec.default === undefined || spec.default === '' ? undefined : String(spec.default)
      return [name, { name, default: value, description: normalise(spec.description) }]
    })
  )
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([name, spec]) => [
      name,
      { name, description: normalise(spec.description) }
    ])
  )
  compare('input', inputs, pageTable(page, 'Inputs', ['Input', 'Default', 'Description']))
  compare('output', outputs, pageTable(page, 'Outputs', ['Output', 'Description']))
  return drift
}

/** What script/docs-inputs.mjs prints for an action.yml (the real one unless `actionFile` is given). */
const generated = (actionFile?: string): string => {
  const run = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'script/docs-inputs.mjs'), ...(actionFile ? ['--action', actionFile] : [])],
    { encoding: 'utf8', timeout: 60_000 }
  )
  if (run.status !== 0) throw new Error(`script/docs-inputs.mjs failed (status ${run.status}): ${run.stderr}`)
  return run.stdout
}

describe('docs/inputs.md and action.yml', () => {
  const action = loadActionMetadata()
  const page = readRepoFile(PAGE)

  it('docs/inputs.md is exactly what script/docs-inputs.mjs generates from action.yml', () => {
    expect(page).toBe(generated())
  })

  it('the generator follows action.yml: an edited description gives another page (the check can fail)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'inputs-doc-'))
    try {
      const edited = path.join(dir, 'action.yml')
      const text = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')
      const marker = "'Versions kept.'"
      expect(text).toContain(marker)
      writeFileSync(edited, text.replace(marker, "'Versions kept, edited.'"))
      const regenerated = generated(edited)
      expect(regenerated).not.toBe(page)
      expect(tableDrift(action, regenerated)).toEqual([
        'output `kept-count` description differs between action.yml and docs/inputs.md'
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('list the same inputs and outputs, with the same defaults and descriptions', () => {
    expect(Object.keys(action.inputs).length).toBeGreaterThan(0)
    expect(Object.keys(action.outputs).length).toBeGreaterThan(0)
    expect(tableDrift(action, page)).toEqual([])
  })

  it('reads every row: the tables of the page have as many rows as action.yml has entries', () => {
    expect(pageTable(page, 'Inputs', ['Input', 'Default', 'Description'])).toHaveLength(
      Object.keys(action.inputs).length
    )
    expect(pageTable(page, 'Outputs', ['Output', 'Description'])).toHaveLength(
      Object.keys(action.outputs).length
    )
  })

  describe('detects drift', () => {
    const [firstInput, secondInput] = Object.keys(action.inputs)
    const [firstOutput] = Object.keys(action.outputs)
    const withInputs = (inputs: ActionMetadata['inputs']): ActionMetadata => ({ ...action, inputs })

    it('an input added to action.yml only', () => {
      const drifted = withInputs({ ...action.inputs, 'new-input': { description: 'x', default: '1' } })
      expect(tableDrift(drifted, page)).toEqual([
        'input `new-input` is in action.yml but not in docs/inputs.md'
      ])
    })

    it('an input removed from action.yml only', () => {
      const { [secondInput]: _removed, ...rest } = action.inputs
      expect(tableDrift(withInputs(rest), page)).toEqual([
        `input \`${secondInput}\` is in ${PAGE} but not in action.yml`
      ])
    })

    it('a changed default, on either side', () => {
      const spec = action.inputs[firstInput]
      const drifted = withInputs({ ...action.inputs, [firstInput]: { ...spec, default: 'changed' } })
      expect(tableDrift(drifted, page)).toEqual([
        expect.stringMatching(new RegExp(`^input \`${firstInput}\` default`))
      ])
      const noDefault = withInputs({ ...action.inputs, [firstInput]: { ...spec, default: undefined } })
      const documentedWithDefault =
        spec.default === undefined || spec.default === '' ? [] : [expect.any(String)]
      expect(tableDrift(noDefault, page)).toEqual(documentedWithDefault)
    })

    it('a renamed output and a changed description', () => {
      const { [firstOutput]: spec, ...rest } = action.outputs
      const drifted = { ...action, outputs: { ...rest, [`${firstOutput}-renamed`]: spec } }
      expect(tableDrift(drifted, page).sort()).toEqual(
        [
          `output \`${firstOutput}\` is in ${PAGE} but not in action.yml`,
          `output \`${firstOutput}-renamed\` is in action.yml but not in ${PAGE}`
        ].sort()
      )
      const edited = {
        ...action,
        outputs: { ...action.outputs, [firstOutput]: { description: 'Something else.' } }
      }
      expect(tableDrift(edited, page)).toEqual([
        `output \`${firstOutput}\` description differs between action.yml and ${PAGE}`
      ])
    })

    it('a row whose default lost its backticks or whose table lost its header', () => {
      const row =
        page.split('\n').find(line => new RegExp(`^\\|\\s*\`${secondInput}\`\\s*\\|`).test(line)) ?? ''
      expect(row).not.toBe('')
      const [, name, , ...rest] = row.split('|')
      const broken = page.replace(row, ['', name, ' plain ', ...rest].join('|'))
      expect(() => tableDrift(action, broken)).toThrow(/not in backticks/)
      const header = page.split('\n').find(line => /^\|\s*Output\s*\|\s*Description\s*\|$/.test(line)) ?? ''
      expect(header).not.toBe('')
      expect(() => tableDrift(action, page.replace(header, '| Name | Text |'))).toThrow(/table header/)
    })
  })
})
