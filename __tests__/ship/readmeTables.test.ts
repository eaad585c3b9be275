// The README's Inputs and Outputs tables are what users read; action.yml is what the runner uses. They must
// list the same names, defaults and descriptions (script/readme-tables.mjs regenerates the tables). This test
// parses the README independently of that generator, so a hand edit on either side fails it.
import { describe, expect, it } from '@jest/globals'
import { loadActionMetadata, readRepoFile, type ActionMetadata } from './repoFiles.js'

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
const readmeTable = (readme: string, heading: string, header: string[]): Row[] => {
  const lines = readme.split('\n')
  const start = lines.findIndex(line => line.trim() === `## ${heading}`)
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`)
  let i = start + 1
  while (i < lines.length && !lines[i].trim().startsWith('|')) {
    if (/^#{1,2} /.test(lines[i])) throw new Error(`README.md "## ${heading}" has no table`)
    i++
  }
  const table: string[] = []
  while (i < lines.length && lines[i].trim().startsWith('|')) table.push(lines[i++])
  const [head, rule, ...body] = table
  if (!head || JSON.stringify(cells(head)) !== JSON.stringify(header)) {
    throw new Error(
      `README.md "## ${heading}" table header is ${JSON.stringify(head)}, expected | ${header.join(' | ')} |`
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

/** Every disagreement between action.yml and the README tables, one line each. */
const tableDrift = (action: ActionMetadata, readme: string): string[] => {
  const drift: string[] = []
  const compare = (kind: string, declared: Record<string, Row>, documented: Row[]) => {
    const seen = new Set<string>()
    for (const row of documented) {
      if (seen.has(row.name)) drift.push(`${kind} \`${row.name}\` is listed twice in README.md`)
      seen.add(row.name)
      const spec = declared[row.name]
      if (!spec) {
        drift.push(`${kind} \`${row.name}\` is in README.md but not in action.yml`)
        continue
      }
      if (spec.default !== row.default) {
        drift.push(
          `${kind} \`${row.name}\` default: action.yml ${JSON.stringify(spec.default)}, README.md ${JSON.stringify(row.default)}`
        )
      }
      if (normalise(spec.description) !== normalise(row.description)) {
        drift.push(`${kind} \`${row.name}\` description differs between action.yml and README.md`)
      }
    }
    for (const name of Object.keys(declared)) {
      if (!seen.has(name)) drift.push(`${kind} \`${name}\` is in action.yml but not in README.md`)
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
  compare('input', inputs, readmeTable(readme, 'Inputs', ['Input', 'Default', 'Description']))
  compare('output', outputs, readmeTable(readme, 'Outputs', ['Output', 'Description']))
  return drift
}

describe('README tables and action.yml', () => {
  const action = loadActionMetadata()
  const readme = readRepoFile('README.md')

  it('list the same inputs and outputs, with the same defaults and descriptions', () => {
    expect(Object.keys(action.inputs).length).toBeGreaterThan(0)
    expect(Object.keys(action.outputs).length).toBeGreaterThan(0)
    expect(tableDrift(action, readme)).toEqual([])
  })

  it('reads every row: the README tables have as many rows as action.yml has entries', () => {
    expect(readmeTable(readme, 'Inputs', ['Input', 'Default', 'Description'])).toHaveLength(
      Object.keys(action.inputs).length
    )
    expect(readmeTable(readme, 'Outputs', ['Output', 'Description'])).toHaveLength(
      Object.keys(action.outputs).length
    )
  })

  describe('detects drift', () => {
    const [firstInput, secondInput] = Object.keys(action.inputs)
    const [firstOutput] = Object.keys(action.outputs)
    const withInputs = (inputs: ActionMetadata['inputs']): ActionMetadata => ({ ...action, inputs })

    it('an input added to action.yml only', () => {
      const drifted = withInputs({ ...action.inputs, 'new-input': { description: 'x', default: '1' } })
      expect(tableDrift(drifted, readme)).toEqual(['input `new-input` is in action.yml but not in README.md'])
    })

    it('an input removed from action.yml only', () => {
      const { [secondInput]: _removed, ...rest } = action.inputs
      expect(tableDrift(withInputs(rest), readme)).toEqual([
        `input \`${secondInput}\` is in README.md but not in action.yml`
      ])
    })

    it('a changed default, on either side', () => {
      const spec = action.inputs[firstInput]
      const drifted = withInputs({ ...action.inputs, [firstInput]: { ...spec, default: 'changed' } })
      expect(tableDrift(drifted, readme)).toEqual([
        expect.stringMatching(new RegExp(`^input \`${firstInput}\` default`))
      ])
      const noDefault = withInputs({ ...action.inputs, [firstInput]: { ...spec, default: undefined } })
      const documentedWithDefault =
        spec.default === undefined || spec.default === '' ? [] : [expect.any(String)]
      expect(tableDrift(noDefault, readme)).toEqual(documentedWithDefault)
    })

    it('a renamed output and a changed description', () => {
      const { [firstOutput]: spec, ...rest } = action.outputs
      const drifted = { ...action, outputs: { ...rest, [`${firstOutput}-renamed`]: spec } }
      expect(tableDrift(drifted, readme).sort()).toEqual(
        [
          `output \`${firstOutput}\` is in README.md but not in action.yml`,
          `output \`${firstOutput}-renamed\` is in action.yml but not in README.md`
        ].sort()
      )
      const edited = {
        ...action,
        outputs: { ...action.outputs, [firstOutput]: { description: 'Something else.' } }
      }
      expect(tableDrift(edited, readme)).toEqual([
        `output \`${firstOutput}\` description differs between action.yml and README.md`
      ])
    })

    it('a README row whose default lost its backticks or whose table lost its header', () => {
      const row =
        readme.split('\n').find(line => new RegExp(`^\\|\\s*\`${secondInput}\`\\s*\\|`).test(line)) ?? ''
      expect(row).not.toBe('')
      const [, name, , ...rest] = row.split('|')
      const broken = readme.replace(row, ['', name, ' plain ', ...rest].join('|'))
      expect(() => tableDrift(action, broken)).toThrow(/not in backticks/)
      const header = readme.split('\n').find(line => /^\|\s*Output\s*\|\s*Description\s*\|$/.test(line)) ?? ''
      expect(header).not.toBe('')
      expect(() => tableDrift(action, readme.replace(header, '| Name | Text |'))).toThrow(/table header/)
    })
  })
})
