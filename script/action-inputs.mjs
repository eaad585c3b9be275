// Generates src/model/actionInputs.ts from action.yml, so the input names the code knows (the CLI's flags and
// --help, the type of every input the settings reader may ask for) come from the one file the runner reads.
//   node script/action-inputs.mjs           write the module
//   node script/action-inputs.mjs --check   exit 1 when the committed module differs from action.yml
// `npm run bundle` runs it first; __tests__/ship/actionInputs.test.ts runs --check.
import { readFileSync, writeFileSync } from 'node:fs'
import * as prettier from 'prettier'
import { parse } from 'yaml'

// `--action FILE` / `--module FILE` point elsewhere (the freshness test checks a stale copy fails).
const option = name => {
  const i = process.argv.indexOf(name)
  return i > 0 && process.argv[i + 1] ? new URL(process.argv[i + 1], `file://${process.cwd()}/`) : undefined
}
const actionUrl = option('--action') ?? new URL('../action.yml', import.meta.url)
const moduleUrl = option('--module') ?? new URL('../src/model/actionInputs.ts', import.meta.url)

export async function renderActionInputs(actionYml) {
  const action = parse(actionYml)
  const entries = Object.entries(action?.inputs ?? {}).map(([name, spec]) => ({
    name,
    // One line: the runner reads the YAML, the CLI prints it; line breaks in a description are layout only.
    description: String(spec?.description ?? '')
      .replace(/\s+/g, ' ')
      .trim()
  }))
  const text = [
    '// Generated from action.yml by script/action-inputs.mjs: do not edit; run `node script/action-inputs.mjs`.',
    '// __tests__/ship/actionInputs.test.ts fails when this file and action.yml differ.',
    '',
    '/** Every input action.yml declares, in its order, with its description on one line. */',
    `export const ACTION_INPUTS = ${JSON.stringify(entries)} as const`,
    '',
    '/** The name of a declared input: the only names the settings reader may ask for. */',
    "export type ActionInputName = (typeof ACTION_INPUTS)[number]['name']",
    ''
  ].join('\n')
  // The repository's prettier settings, whatever file is written.
  const target = new URL('../src/model/actionInputs.ts', import.meta.url).pathname
  const options = (await prettier.resolveConfig(target)) ?? {}
  return prettier.format(text, { ...options, filepath: target })
}

const expected = await renderActionInputs(readFileSync(actionUrl, 'utf8'))
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(moduleUrl, 'utf8')
  } catch {
    // missing counts as stale
  }
  if (current !== expected) {
    console.error(`${moduleUrl.pathname} is stale: run \`node script/action-inputs.mjs\` and commit it`)
    process.exit(1)
  }
} else {
  writeFileSync(moduleUrl, expected)
}
