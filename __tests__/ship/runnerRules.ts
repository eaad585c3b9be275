// action.yml as the Actions runner reads it. The runner loads action.yml through its own template schema
// (actions/runner, src/Runner.Worker/action_yaml.json) before the step starts; a file the schema refuses fails
// every workflow that uses the action, whatever the tests of the code say. These rules are written from that
// schema's facts (and ActionManifestManager.cs, which reads `runs`), not copied from it:
// - the root mapping is loose (any non-empty key), but `name` and `description` must be strings;
// - `inputs` maps a non-empty name to a loose mapping whose only typed key is `default`: a string whose
//   `${{ }}` expressions may use the github, strategy, matrix, job and runner contexts and hashFiles();
// - `outputs` maps a non-empty name to a STRICT mapping of `description` (string) and `value` (string);
// - `runs` of a JavaScript action is a strict mapping of using, main, pre, pre-if, post, post-if, each a
//   non-empty string; the runner accepts `using` node12/16/20/24 and needs `main`.
// House rules that the runner does not enforce are checked apart (houseViolations).
import { existsSync } from 'node:fs'
import path from 'node:path'

type Yaml = Record<string, unknown>
const isMap = (value: unknown): value is Yaml =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Contexts an input default may name (the schema's input-default-context). */
const DEFAULT_CONTEXTS = ['github', 'strategy', 'matrix', 'job', 'runner']
/** hashFiles is the schema's extra function; the others are the expression language's, valid everywhere. */
const FUNCTIONS = ['hashFiles', 'contains', 'startsWith', 'endsWith', 'format', 'join', 'toJSON', 'fromJSON']
const LITERALS = ['true', 'false', 'null', 'NaN', 'Infinity']
const RUNS_KEYS = ['using', 'main', 'pre', 'pre-if', 'post', 'post-if']
const RUNS_FILES = ['main', 'pre', 'post']
const OUTPUT_KEYS = ['description', 'value']

/** The `${{ … }}` expressions of a string (a `}}` inside a quoted literal does not end one). */
export function expressionsOf(text: string): { expressions: string[]; error?: string } {
  const expressions: string[] = []
  let i = text.indexOf('${{')
  while (i >= 0) {
    let j = i + 3
    let inString = false
    for (; j < text.length; j++) {
      if (text[j] === "'") inString = !inString
      else if (!inString && text.startsWith('}}', j)) break
    }
    if (j >= text.length) return { expressions, error: `unclosed \${{ in ${JSON.stringify(text)}` }
    expressions.push(text.slice(i + 3, j))
    i = text.indexOf('${{', j + 2)
  }
  return { expressions }
}

/** Named values (contexts) and functions an expression uses. */
export function namesOf(expression: string): { contexts: string[]; functions: string[] } {
  const tokens = expression.match(/'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_-]*|\d+(?:\.\d+)?|\S/g) ?? []
  const contexts: string[] = []
  const functions: string[] = []
  tokens.forEach((token, k) => {
    if (!/^[A-Za-z_]/.test(token) || tokens[k - 1] === '.') return
    if (tokens[k + 1] === '(') functions.push(token)
    else if (!LITERALS.includes(token)) contexts.push(token)
  })
  return { contexts, functions }
}

/** Every way `doc` (parsed action.yml) breaks a rule the runner enforces; [] when it loads. */
export function runnerViolations(doc: unknown, root: string): string[] {
  const out: string[] = []
  if (!isMap(doc)) return ['the root is not a mapping']
  for (const key of ['name', 'description']) {
    if (key in doc && typeof doc[key] !== 'string') out.push(`${key}: must be a string`)
  }

  if ('inputs' in doc) {
    if (!isMap(doc.inputs)) out.push('inputs: must be a mapping')
    else
      for (const [name, spec] of Object.entries(doc.inputs)) {
        if (name.trim() === '') out.push('inputs: an empty input name')
        if (!isMap(spec)) {
          out.push(`inputs.${name}: must be a mapping`)
          continue
        }
        if (!('default' in spec)) continue
        if (typeof spec.default !== 'string') {
          out.push(`inputs.${name}.default: must be a string (quote it), not ${JSON.stringify(spec.default)}`)
          continue
        }
        const { expressions, error } = expressionsOf(spec.default)
        if (error) out.push(`inputs.${name}.default: ${error}`)
        for (const expression of expressions) {
          const { contexts, functions } = namesOf(expression)
          for (const c of contexts.filter(c => !DEFAULT_CONTEXTS.includes(c)))
            out.push(`inputs.${name}.default: context '${c}' is not available to an input default`)
          for (const f of functions.filter(f => !FUNCTIONS.includes(f)))
            out.push(`inputs.${name}.default: function '${f}' is not available to an input default`)
        }
      }
  }

  if ('outputs' in doc) {
    if (!isMap(doc.outputs)) out.push('outputs: must be a mapping')
    else
      for (const [name, spec] of Object.entries(doc.outputs)) {
        if (name.trim() === '') out.push('outputs: an empty output name')
        if (!isMap(spec)) {
          out.push(`outputs.${name}: must be a mapping`)
          continue
        }
        for (const key of Object.keys(spec).filter(k => !OUTPUT_KEYS.includes(k)))
          out.push(`outputs.${name}: key '${key}' is not allowed (an output has only description and value)`)
        for (const key of OUTPUT_KEYS.filter(k => k in spec && typeof spec[k] !== 'string'))
          out.push(`outputs.${name}.${key}: must be a string`)
      }
  }

  if (!isMap(doc.runs)) {
    out.push('runs: missing, or not a mapping')
  } else {
    const runs = doc.runs
    for (const key of Object.keys(runs).filter(k => !RUNS_KEYS.includes(k)))
      out.push(`runs: key '${key}' is not allowed for a JavaScript action (${RUNS_KEYS.join(', ')})`)
    for (const key of RUNS_KEYS.filter(k => k in runs)) {
      if (typeof runs[key] !== 'string' || String(runs[key]).trim() === '')
        out.push(`runs.${key}: must be a non-empty string`)
    }
    if (runs.using !== 'node24') out.push(`runs.using: ${JSON.stringify(runs.using)}, expected 'node24'`)
    if (!('main' in runs)) out.push('runs.main: missing (a JavaScript action needs its entry file)')
    for (const key of RUNS_FILES.filter(k => typeof runs[k] === 'string')) {
      const file = path.posix.normalize(String(runs[key]))
      if (!file.startsWith('dist/')) out.push(`runs.${key}: ${file} is not in dist/`)
      else if (!existsSync(path.join(root, file))) out.push(`runs.${key}: ${file} does not exist`)
    }
  }
  return out
}

const ROOT_KEYS = ['name', 'description', 'author', 'branding', 'inputs', 'outputs', 'runs']
const INPUT_KEYS = ['description', 'required', 'default', 'deprecationMessage']

/** Keys the runner tolerates but no user expects (a typo such as `defualt` is silently ignored by it). */
export function houseViolations(doc: unknown): string[] {
  if (!isMap(doc)) return ['the root is not a mapping']
  const out = Object.keys(doc)
    .filter(k => !ROOT_KEYS.includes(k))
    .map(k => `root: key '${k}' is not one of ${ROOT_KEYS.join(', ')}`)
  for (const [name, spec] of Object.entries(isMap(doc.inputs) ? doc.inputs : {})) {
    for (const key of Object.keys(isMap(spec) ? spec : {}).filter(k => !INPUT_KEYS.includes(k)))
      out.push(`inputs.${name}: key '${key}' is not one of ${INPUT_KEYS.join(', ')}`)
  }
  return out
}
