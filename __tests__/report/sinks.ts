import { jest } from '@jest/globals'
import { Parser } from 'htmlparser2'

/** What a hostile value looks like, one per trick the issue names (issue 16 item 1). */
export const HOSTILE = {
  newlineCommand: 'k8s/app\n::error title=x::text\n.yaml',
  crCommand: 'v1\r::add-mask::secret',
  lineSeparator: 'v1\u2028::error::u2028',
  leadingSpaces: '   ::warning::leading spaces',
  legacy: 'v1##[stop-commands]token',
  img: '<img src=x onerror=alert(1)>',
  script: '<script>alert(1)</script>',
  backticks: '``x` <img src=x onerror=alert(2)> `',
  pipes: 'a|b\\|<img src=x onerror=alert(3)>',
  link: '[x](javascript:alert(4))',
  image: '![x](javascript:alert(5))',
  entity: '&lt;img src=x onerror=alert(6)&gt;'
} as const

export interface RunnerCommand {
  readonly name: string
  readonly line: string
}

/**
 * What the runner reads as commands in a step's output: a line that starts with `::` once trimmed (the runner's
 * `TryParseV2`), and `##[` anywhere in a line (the legacy `TryParse`). Lines split at CR, LF and CRLF.
 */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const out: RunnerCommand[] = []
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const t = line.trim()
    if (t.startsWith('::')) out.push({ name: /^::([^ :]*)/.exec(t)![1], line })
    if (line.includes('##[')) out.push({ name: '##[', line })
  }
  return out
}

/** Captures what @actions/core prints while `fn` runs (it writes log lines straight to process.stdout). */
export async function captureStdout(fn: () => unknown): Promise<string> {
  let text = ''
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  })
  try {
    await fn()
  } finally {
    spy.mockRestore()
  }
  return text
}

export interface HtmlFacts {
  readonly elements: ReadonlySet<string>
  /** `tag attr=value` for every attribute. */
  readonly attributes: readonly string[]
  /** The text of the document, entities decoded. */
  readonly text: string
  /** Cells per table row, in document order. */
  readonly rowCells: readonly number[]
}

/** Parses HTML the way a browser's tokenizer does (htmlparser2) and lists what it would build. */
export function htmlFacts(html: string): HtmlFacts {
  const elements = new Set<string>()
  const attributes: string[] = []
  let text = ''
  const rowCells: number[] = []
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        elements.add(name)
        if (name === 'tr') rowCells.push(0)
        if (name === 'td' || name === 'th') rowCells[rowCells.length - 1]++
        for (const [k, v] of Object.entries(attrs)) attributes.push(`${name} ${k}=${v}`)
      },
      ontext(t) {
        text += t
      }
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }
  )
  parser.write(html)
  parser.end()
  return { elements, attributes, text, rowCells }
}
