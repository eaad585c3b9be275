// Generates docs/inputs.md, the full input and output reference, from action.yml, so the two never drift
// (__tests__/ship/inputsDoc.test.ts fails when the committed page differs from what this prints).
// `node script/docs-inputs.mjs` prints the page; `--write` writes docs/inputs.md; `--check` exits 1 when the
// committed page is stale. The page is formatted with the repository's prettier settings, so `prettier --check`
// and this generator agree.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parse } from 'yaml'

const pageUrl = new URL('../docs/inputs.md', import.meta.url)

const cell = s =>
  String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')

/** The Markdown of docs/inputs.md for the text of an action.yml. */
export async function renderInputsDoc(actionYaml) {
  const action = parse(actionYaml)
  const lines = [
    '# Inputs and outputs',
    '',
    '<!-- Generated from action.yml by `node script/docs-inputs.mjs --write`; edit action.yml, not this page. -->',
    '',
    'Every input is optional. A value is a string, as in any workflow `with:`; durations are written `30d`, `2w 3d`,',
    '`12h` or ISO-8601 `P30D`, lists are comma- or newline-separated. What selects a tagged image for deletion is',
    'spelled out in [policy.md](policy.md#what-selects-a-tagged-image-for-deletion).',
    '',
    '## Inputs',
    '',
    '| Input | Default | Description |',
    '| --- | --- | --- |'
  ]
  for (const [name, spec] of Object.entries(action.inputs)) {
    const def = spec.default === undefined || spec.default === '' ? '—' : '`' + spec.default + '`'
    lines.push(`| \`${name}\` | ${cell(def)} | ${cell(spec.description)} |`)
  }
  lines.push('', '## Outputs', '', '| Output | Description |', '| --- | --- |')
  for (const [name, spec] of Object.entries(action.outputs))
    lines.push(`| \`${name}\` | ${cell(spec.description)} |`)
  const options = (await prettier.resolveConfig(fileURLToPath(pageUrl))) ?? {}
  return prettier.format(lines.join('\n') + '\n', { ...options, parser: 'markdown' })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --action FILE renders another action.yml (the test uses it to prove the page follows the metadata).
  const at = process.argv.indexOf('--action')
  const actionFile = at > 0 ? process.argv[at + 1] : new URL('../action.yml', import.meta.url)
  const page = await renderInputsDoc(readFileSync(actionFile, 'utf8'))
  if (process.argv.includes('--write')) writeFileSync(pageUrl, page)
  else if (process.argv.includes('--check')) {
    let committed = ''
    try {
      committed = readFileSync(pageUrl, 'utf8')
    } catch {
      // No page yet: it differs.
    }
    if (committed !== page) {
      console.error('docs/inputs.md differs from action.yml: run `node script/docs-inputs.mjs --write`')
      process.exit(1)
    }
  } else process.stdout.write(page)
}
