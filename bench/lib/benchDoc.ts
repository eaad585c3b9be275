/**
 * What the benchmark scripts share: their command-line values, and writing their sections of
 * docs/benchmarks.md (`--write`) while leaving every other section as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** docs/benchmarks.md of this checkout, wherever the script was started from. */
export const BENCHMARKS_DOC = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'docs',
  'benchmarks.md'
)

/** The value after `--name` on the command line, if given. */
export function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

/**
 * Replaces each section `## <title>` (up to the next `## `) with its body, or appends it when the file has no
 * such section yet. Bodies start with their own `## <title>` line.
 */
export async function writeSections(next: ReadonlyMap<string, string>, path = BENCHMARKS_DOC): Promise<void> {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  for (const [title, body] of next) {
    const head = `## ${title}\n`
    const start = text.indexOf(head)
    if (start < 0) {
      text = `${text.trimEnd()}\n\n${body.trimEnd()}\n`
      continue
    }
    const after = text.indexOf('\n## ', start + head.length)
    text = text.slice(0, start) + body.trimEnd() + '\n' + (after < 0 ? '' : text.slice(after))
  }
  // As `npm run format:check` expects: prettier aligns Markdown tables. Loaded only now: a script measuring
  // its own memory must not carry it before.
  const prettier = await import('prettier')
  const options = (await prettier.resolveConfig(path)) ?? {}
  writeFileSync(path, await prettier.format(text, { ...options, filepath: path }))
}
