// Renders the README's Inputs and Outputs tables from action.yml, so the two never drift
// (__tests__/ship checks they agree). `node script/readme-tables.mjs` prints them;
// `--write` replaces the block between the README's `<!-- action-tables -->` markers.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'))
const cell = s => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ')
const lines = ['## Inputs', '', '| Input | Default | Description |', '| --- | --- | --- |']
for (const [name, spec] of Object.entries(action.inputs)) {
  const def = spec.default === undefined || spec.default === '' ? '—' : '`' + spec.default + '`'
  lines.push(`| \`${name}\` | ${cell(def)} | ${cell(spec.description)} |`)
}
lines.push('', '## Outputs', '', '| Output | Description |', '| --- | --- |')
for (const [name, spec] of Object.entries(action.outputs))
  lines.push(`| \`${name}\` | ${cell(spec.description)} |`)
const tables = lines.join('\n')

if (process.argv.includes('--write')) {
  const readmeUrl = new URL('../README.md', import.meta.url)
  const readme = readFileSync(readmeUrl, 'utf8')
  const re = /<!-- action-tables -->[\s\S]*<!-- \/action-tables -->/
  if (!re.test(readme)) throw new Error('README.md has no <!-- action-tables --> block')
  writeFileSync(
    readmeUrl,
    // A function, so `$` sequences in descriptions (a regex ending in `$`) are not read as replacement patterns.
    readme.replace(re, () => `<!-- action-tables -->\n\n${tables}\n\n<!-- /action-tables -->`)
  )
} else {
  console.log(tables)
}
