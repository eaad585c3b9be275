// docs/policy.md "What selects a tagged image for deletion" has a table: inputs set → tagged images deleted. Each
// row is planned here on one package, with the inputs parsed from the row itself, and must delete exactly what
// the row says (written below as a function of the fixture, from the row's words). A row added to the page
// without an entry here, or an entry without a row, fails.
import { describe, expect, it } from '@jest/globals'
import { PackageBuilder } from '../planner/packageBuilder.js'
import { planWith } from '../planner/scenarioHelpers.js'
import { readRepoFile } from './repoFiles.js'

interface Image {
  readonly tag: string
  /** Days since it was pushed: all different, so "newest" and UTC days are unambiguous. */
  readonly age: number
}

const IMAGES: readonly Image[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ tag: `pr-${i + 1}`, age: 5 * (i + 1) })),
  ...Array.from({ length: 6 }, (_, i) => ({ tag: `sha-${i + 1}`, age: 10 * (i + 1) + 3 })),
  { tag: 'v1.0.0', age: 200 }
]
/** Every row also sets this: the rows' "except keep-tags" must hold. */
const KEEP_TAGS = 'v*'

const selectable = IMAGES.filter(i => !i.tag.startsWith('v'))
const newestFirst = (images: readonly Image[]) => [...images].sort((a, b) => a.age - b.age)
const tags = (images: readonly Image[]) => images.map(i => i.tag).sort()
const pr = selectable.filter(i => i.tag.startsWith('pr-'))

/** The row's right-hand cell, as a set of tags of the fixture. */
const DOCUMENTED: Record<string, () => string[]> = {
  'none of the three': () => [],
  "delete-tags: 'pr-*'": () => tags(pr),
  'keep-n-tagged: 10': () => tags(newestFirst(selectable).slice(10)),
  'older-than: 30d': () => tags(selectable.filter(i => i.age > 30)),
  "delete-tags: 'pr-*', keep-n-tagged: 10": () => tags(newestFirst(pr).slice(10)),
  "delete-tags: 'pr-*', older-than: 30d": () => tags(pr.filter(i => i.age > 30)),
  'keep-n-tagged: 10, older-than: 30d': () =>
    tags(newestFirst(selectable).filter((i, rank) => rank >= 10 && i.age > 30)),
  'keep-daily: 7': () => tags(newestFirst(selectable).slice(7))
}

/** The rows of the table: the first cell's backticked `name: value` pairs, as inputs. */
const rows = (page: string): { key: string; inputs: Record<string, string> }[] => {
  const section = page.slice(page.indexOf('## What selects a tagged image for deletion'))
  const lines = section.split('\n')
  const start = lines.findIndex(line => line.startsWith('|'))
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'))
  const table = lines.slice(start, end)
  const [header, , ...body] = table
  expect(header).toMatch(/\|\s*inputs set\s*\|\s*tagged images deleted\s*\|/)
  return body.map(line => {
    const first = line.split('|')[1].trim()
    const pairs = [...first.matchAll(/`([a-z-]+): ([^`]+)`/g)].map(m => [
      m[1],
      m[2].replace(/^'(.*)'$/, '$1')
    ])
    const key =
      pairs.length === 0 ? first : pairs.map(([n, v]) => `${n}: ${/\*/.test(v) ? `'${v}'` : v}`).join(', ')
    return { key, inputs: Object.fromEntries(pairs) }
  })
}

describe('docs/policy.md: what selects a tagged image for deletion', () => {
  const table = rows(readRepoFile('docs/policy.md'))
  const fixture = () => {
    const p = new PackageBuilder()
    for (const { tag, age } of IMAGES) p.image(tag, { tags: [tag], age })
    return p
  }

  it('has a row for every case here, and no other', () => {
    expect(table.map(r => r.key).sort()).toEqual(Object.keys(DOCUMENTED).sort())
  })

  for (const key of Object.keys(DOCUMENTED)) {
    it(`${key}: deletes what the row says`, () => {
      const row = table.find(r => r.key === key)
      expect(row).toBeDefined()
      const planned = planWith(fixture(), { ...row!.inputs, 'keep-tags': KEEP_TAGS })
      expect(planned.deleted().sort()).toEqual(DOCUMENTED[key]())
      expect(planned.of('v1.0.0').action).toBe('keep')
    })
  }

  it('keep-n-tagged alone is not narrowed to delete-tags: it deletes sha- and pr- images alike', () => {
    const planned = planWith(fixture(), { 'keep-n-tagged': '10' })
    expect(planned.deleted().some(t => t.startsWith('sha-'))).toBe(true)
    expect(planned.deleted().some(t => t.startsWith('pr-'))).toBe(true)
  })
})
