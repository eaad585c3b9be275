// Reads the three migration tables of docs/migration.md and turns a row set into our inputs for a peer
// configuration. The tables are the contract: a row edited in the doc is what the proofs apply.
import { marked, type Tokens } from 'marked'

export type Peer = 'snok' | 'dataaxiom' | 'dpv'

/** A code span `name` or `name: value` (`<input>` in a value stands for that peer input's value). */
export interface Span {
  readonly name: string
  readonly value?: string
}

export interface Row {
  readonly peer: Peer
  /** The first cell as written: the row's identity for its proof case. */
  readonly key: string
  /** Conjuncts (`+` or `with`), each a list of alternatives (aliases separated by `,` or `/`). */
  readonly peerInputs: readonly (readonly Span[])[]
  /** Our inputs: empty for `—`. */
  readonly ours: readonly Span[]
  readonly oursText: string
  readonly notes: string
}

export interface MigrationDoc {
  readonly rows: readonly Row[]
  /** Everything under each peer's `##` heading, for the differences the rows and bullets state. */
  readonly sectionText: Readonly<Record<Peer, string>>
  /** The text before the first peer's heading: the defaults that differ from all three tools. */
  readonly intro: string
}

const HEADINGS: Readonly<Record<Peer, string>> = {
  snok: 'snok/container-retention-policy',
  dataaxiom: 'dataaxiom/ghcr-cleanup-action',
  dpv: 'actions/delete-package-versions'
}

const spansOf = (markdown: string): Span[] =>
  [...markdown.matchAll(/`([^`]+)`/g)].map(m => {
    const span = /^([a-z][a-z0-9-]*):\s*(.+)$/.exec(m[1])
    return span ? { name: span[1], value: span[2] } : { name: m[1] }
  })

export function readMigrationDoc(markdown: string): MigrationDoc {
  const tokens = marked.lexer(markdown)
  const rows: Row[] = []
  const sectionText: Record<Peer, string> = { snok: '', dataaxiom: '', dpv: '' }
  let section: Peer | undefined
  let intro = ''
  let seenPeer = false
  const tabled = new Set<Peer>()
  for (const token of tokens) {
    if (token.type === 'heading' && (token as Tokens.Heading).depth === 2) {
      const text = (token as Tokens.Heading).text
      section = (Object.keys(HEADINGS) as Peer[]).find(p => text.startsWith(HEADINGS[p]))
      seenPeer ||= section !== undefined
      continue
    }
    if (!seenPeer) intro += token.raw
    if (!section) continue
    sectionText[section] += token.raw
    if (token.type !== 'table' || tabled.has(section)) continue
    tabled.add(section)
    for (const cells of (token as Tokens.Table).rows) {
      if (cells.length !== 3) throw new Error(`${section} row has ${cells.length} cells: ${cells[0]?.text}`)
      const [first, second, third] = cells.map(c => c.text.trim())
      rows.push({
        peer: section,
        key: first,
        peerInputs: first
          .split(/\s\+\s|\swith\s/)
          .map(spansOf)
          .filter(alternatives => alternatives.length > 0),
        ours: second === '—' ? [] : spansOf(second),
        oursText: second,
        notes: third
      })
    }
  }
  for (const peer of Object.keys(HEADINGS) as Peer[]) {
    if (!tabled.has(peer)) throw new Error(`docs/migration.md has no table under "## ${HEADINGS[peer]}"`)
  }
  return { rows, sectionText, intro }
}

/** The peer inputs a row names that the configuration sets, or undefined when the row does not apply. */
function applies(row: Row, config: Readonly<Record<string, string>>): Set<string> | undefined {
  if (row.peerInputs.length === 0) return undefined
  const names = new Set<string>()
  for (const alternatives of row.peerInputs) {
    const hit = alternatives.find(
      a => config[a.name] !== undefined && (a.value === undefined || a.value === config[a.name])
    )
    if (!hit) return undefined
    names.add(hit.name)
  }
  return names
}

export interface Translation {
  readonly inputs: Record<string, string>
  /** Rows whose translation was applied (the most specific of those that match). */
  readonly rows: readonly Row[]
  readonly problems: string[]
}

/**
 * Our inputs for a peer configuration, read from the rows: every row whose peer inputs the configuration sets
 * (and whose `name: value` conditions hold) applies, unless a row naming more of the configuration's inputs
 * applies too (`tag-selection: untagged` + `cut-off` replaces `cut-off`). Each of our spans gives a value:
 * written in the doc (`untagged-grace: <cut-off>`), prescribed by the row's notes (`prescribed`), or, when the
 * row maps one input, the peer's value unchanged. A row mapping one input without a value whose notes list
 * values (`` `untagged`: ... ``) applies the spans written after the configured value.
 */
export function translate(
  doc: MigrationDoc,
  peer: Peer,
  config: Readonly<Record<string, string>>,
  declared: ReadonlySet<string>,
  prescribed: Readonly<Record<string, string>> = {}
): Translation {
  const problems: string[] = []
  const matching = doc.rows
    .filter(r => r.peer === peer)
    .map(row => ({ row, names: applies(row, config) }))
    .filter((m): m is { row: Row; names: Set<string> } => m.names !== undefined)
  const effective = matching.filter(
    m => !matching.some(o => o.names.size > m.names.size && [...m.names].every(n => o.names.has(n)))
  )
  for (const input of Object.keys(config)) {
    if (!matching.some(m => m.names.has(input))) problems.push(`no row maps ${peer} input \`${input}\``)
  }
  const inputs: Record<string, string> = {}
  const substitute = (value: string) =>
    value.replace(/<([a-z-]+)>/g, (whole, name: string) => config[name] ?? whole)
  for (const { row, names } of effective) {
    const single = names.size === 1 ? [...names][0] : undefined
    let spans = row.ours
    const conditioned = row.peerInputs.length === 1 && row.peerInputs[0].every(a => a.value === undefined)
    if (single && conditioned) {
      // `value`: translation segments in the notes (one per value of the peer input).
      const segments = row.notes.split(/(?=`[^`]+`:\s)/)
      const segment = segments.find(s => s.startsWith('`' + config[single] + '`:'))
      if (segment) spans = spansOf(segment.replace(/^`[^`]+`:/, '')).filter(s => s.value !== undefined)
    }
    for (const span of spans) {
      if (!declared.has(span.name)) {
        // `/regex/flags` and the like are words, not inputs; a misspelt input name is an error.
        if (/^[a-z][a-z0-9-]+$/.test(span.name))
          problems.push(`row ${row.key}: \`${span.name}\` is not an input`)
        continue
      }
      const value =
        span.value !== undefined
          ? substitute(span.value)
          : (prescribed[span.name] ?? (single !== undefined ? config[single] : undefined))
      if (value === undefined) {
        problems.push(`row ${row.key}: \`${span.name}\` has no value (write \`${span.name}: value\`)`)
        continue
      }
      if (inputs[span.name] !== undefined && inputs[span.name] !== value) {
        problems.push(
          `rows disagree on ${span.name}: ${JSON.stringify(inputs[span.name])} vs ${JSON.stringify(value)}`
        )
      }
      inputs[span.name] = value
    }
  }
  return { inputs, rows: effective.map(m => m.row), problems }
}
