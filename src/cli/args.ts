/**
 * Command-line flags of the local CLI. Every action input is a flag of the same name; a few flags exist only
 * here (where the summary, journal and cache go, which directory is the checkout). A misspelt flag is an error,
 * never ignored: `--dry-rnu` silently dropped would delete for real.
 */

import { ACTION_INPUTS as DECLARED } from '../model/actionInputs.js'

/** The action.yml inputs, in its order (src/model/actionInputs.ts is generated from action.yml). */
export const ACTION_INPUTS: readonly string[] = DECLARED.map(input => input.name)

/** The flags that exist only here, with what they do. */
const CLI_FLAGS: readonly (readonly [flag: string, description: string])[] = [
  ['--summary FILE', 'where to write the Markdown step summary (default ghcr-retention-summary.md)'],
  ['--json FILE', 'where to write the journal, JSON Lines (as --journal-file; default beside the summary)'],
  ['--cache-dir DIR', 'keep manifests read by this run in DIR, so the next run reads only new digests'],
  [
    '--workspace DIR',
    'the checkout scanned for pinned digests (protect-pinned; default: the current directory)'
  ],
  ['--debug', 'also print debug lines (the reason behind every decision)'],
  ['--help', 'this text']
]

const SUMMARY_WIDTH = 100

/**
 * The first sentence of an action.yml description, on one line: when it is too long, parenthesised asides go
 * first, then what follows a colon or semicolon, then the last clauses after a comma, then words.
 */
export function summarise(description: string): string {
  const text = description.replace(/\s+/g, ' ').trim()
  // A sentence ends at `.` before a space or the end, not inside `e.g.` / `i.e.` or a code span.
  let sentence = text
  let inCode = false
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '`') inCode = !inCode
    if (!inCode && text[i] === '.' && (i + 1 === text.length || text[i + 1] === ' ')) {
      if (/\b(?:e\.g|i\.e)$/.test(text.slice(0, i))) continue
      sentence = text.slice(0, i + 1)
      break
    }
  }
  if (sentence.length <= SUMMARY_WIDTH) return sentence
  let shorter = sentence
  for (let previous = ''; previous !== shorter;) {
    previous = shorter
    shorter = shorter.replace(/ \((?:`[^`]*`|[^()`])*\)/, '')
  }
  if (shorter.length <= SUMMARY_WIDTH) return shorter
  const clause = /^(.{20,}?)[:;] /.exec(shorter)
  if (clause && clause[1].length + 1 <= SUMMARY_WIDTH) return `${clause[1]}.`
  const comma = shorter.lastIndexOf(', ', SUMMARY_WIDTH - 1)
  if (comma >= 20) return `${shorter.slice(0, comma)}.`
  return `${shorter.slice(0, SUMMARY_WIDTH - 1).replace(/ \S*$/, '')}…`
}

function usage(): string {
  // The token is the one input that is not a flag (see the first line of the text).
  const inputs = DECLARED.filter(input => input.name !== 'token').map((input): [string, string] => [
    `--${input.name}`,
    summarise(input.description)
  ])
  const width = Math.max(...[...inputs, ...CLI_FLAGS].map(([flag]) => flag.length)) + 2
  const row = ([flag, text]: readonly [string, string]): string => `  ${flag.padEnd(width)}${text}`
  return [
    'usage: ghcr-retention --owner OWNER --packages NAMES [--dry-run] [--<input> VALUE ...]',
    '',
    '  The token comes from GITHUB_TOKEN or GH_TOKEN (never a flag: it would land in shell history).',
    '  A flag without a value means true (--dry-run). Values are those of the action inputs (README, action.yml).',
    '',
    'Action inputs:',
    ...inputs.map(row),
    '',
    'Only on the command line:',
    ...CLI_FLAGS.map(row)
  ].join('\n')
}

/** Every flag with one line about it: the action inputs from action.yml, then the CLI's own. */
export const USAGE = usage()

export interface CliArgs {
  /** Action inputs by name (without the token). */
  readonly inputs: Readonly<Record<string, string>>
  readonly summaryFile: string
  /** The journal path (`--json`, or `--journal-file`); undefined = beside the summary. */
  readonly jsonFile?: string
  readonly cacheDir?: string
  readonly workspace?: string
  readonly debug: boolean
  readonly help: boolean
}

export class CliUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`)
    this.name = 'CliUsageError'
  }
}

const CLI_ONLY = new Set(['summary', 'json', 'cache-dir', 'workspace', 'debug', 'help'])

/** The closest known flag, for "did you mean": edit distance at most 2. */
function suggest(name: string): string | undefined {
  let best: { name: string; d: number } | undefined
  for (const known of [...ACTION_INPUTS, ...CLI_ONLY]) {
    const d = distance(name, known)
    if (d <= 2 && (!best || d < best.d)) best = { name: known, d }
  }
  return best?.name
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = row[j]
      row[j] = next
    }
  }
  return row[b.length]
}

/** Parses `--name value`, `--name=value` and a bare `--flag` (= `true`). Throws CliUsageError. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const inputs: Record<string, string> = {}
  const cli: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-h') {
      cli.help = 'true'
      continue
    }
    if (!arg.startsWith('--') || arg === '--')
      throw new CliUsageError(`unexpected argument ${JSON.stringify(arg)}`)
    let name = arg.slice(2)
    let value: string
    const eq = name.indexOf('=')
    if (eq >= 0) {
      value = name.slice(eq + 1)
      name = name.slice(0, eq)
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      value = argv[++i]
    } else {
      value = 'true'
    }
    if (name === 'token')
      throw new CliUsageError('pass the token in GITHUB_TOKEN or GH_TOKEN, not on the command line')
    if (CLI_ONLY.has(name)) cli[name] = value
    else if (ACTION_INPUTS.includes(name)) inputs[name] = value
    else {
      const hint = suggest(name)
      throw new CliUsageError(`unknown flag --${name}${hint ? ` (did you mean --${hint}?)` : ''}`)
    }
  }
  const bool = (name: string): boolean => cli[name] !== undefined && cli[name] !== 'false'
  const jsonFile = cli.json ?? inputs['journal-file']
  return {
    inputs,
    summaryFile: cli.summary ?? 'ghcr-retention-summary.md',
    ...(jsonFile ? { jsonFile } : {}),
    ...(cli['cache-dir'] ? { cacheDir: cli['cache-dir'] } : {}),
    ...(cli.workspace ? { workspace: cli.workspace } : {}),
    debug: bool('debug'),
    help: bool('help')
  }
}
