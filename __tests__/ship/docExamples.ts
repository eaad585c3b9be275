// Finds the workflow examples of this action in Markdown and checks what can be checked without a runner: the
// `with:` keys are inputs of action.yml, their literal values pass the action's own settings reader, every
// `steps.<id>.outputs.<name>` of this action's step is a declared output, and a complete workflow checks the
// repository out before the action (protect-pinned), sets permissions and a concurrency group, and does not
// fail a pull request close that finds nothing (fail-on-noop). actionlint runs separately (docExamples.test.ts).
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { readSettings } from '../../src/settings/inputs.js'
import { isMap, parseYaml, repoRoot, type ActionMetadata, type Yaml } from './repoFiles.js'

export const ACTION_REF = /^ghcr-retention\/ghcr-retention@/

export interface Example {
  /** `file:line` of the opening fence. */
  readonly where: string
  readonly text: string
}

export interface ParsedExample extends Example {
  readonly doc: unknown
  /** A whole workflow (`on:` and `jobs:`), which actionlint can check; otherwise a fragment. */
  readonly complete: boolean
}

/** README.md and every Markdown page under docs/, as paths relative to the repository. */
export const documentationFiles = (): string[] => [
  'README.md',
  ...readdirSync(path.join(repoRoot, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.md'))
    .map(name => path.join('docs', name))
    .sort()
]

/** Every ```yaml / ```yml fence of a Markdown text whose body uses this action. */
export const findExamples = (markdown: string, file: string): Example[] => {
  const out: Example[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*ya?ml\s*$/.exec(lines[i])
    if (!open) continue
    const [, indent, fence] = open
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !lines[j].trim().startsWith(fence); j++)
      body.push(lines[j].slice(indent.length))
    const text = body.join('\n')
    if (/uses:\s*['"]?ghcr-retention\/ghcr-retention@/.test(text))
      out.push({ where: `${file}:${i + 1}`, text })
    i = j
  }
  return out
}

export const parseExample = (example: Example): ParsedExample => {
  const doc = parseYaml(example.text, example.where)
  const complete = isMap(doc) && 'on' in doc && isMap(doc.jobs)
  return { ...example, doc, complete }
}

type Step = Yaml & { id?: unknown; uses?: unknown; with?: unknown }

/** The jobs of an example (a fragment with only steps is one job). */
const jobsOf = (doc: unknown): Step[][] => {
  if (Array.isArray(doc)) return [doc.filter(isMap) as Step[]]
  if (!isMap(doc)) return []
  if (isMap(doc.jobs))
    return Object.values(doc.jobs).map(job =>
      isMap(job) && Array.isArray(job.steps) ? (job.steps.filter(isMap) as Step[]) : []
    )
  if (Array.isArray(doc.steps)) return [doc.steps.filter(isMap) as Step[]]
  return [[doc as Step]]
}

const isOurs = (step: Step): boolean => typeof step.uses === 'string' && ACTION_REF.test(step.uses)
const isCheckout = (step: Step): boolean =>
  typeof step.uses === 'string' && /^actions\/checkout@/.test(step.uses)

/**
 * Values standing in for an expression (`${{ inputs.dry-run }}`), so that the rest of the step's inputs still
 * reach the settings reader; a step with an expression for any other input is not read.
 */
const EXPRESSION_STAND_INS: Record<string, string> = {
  token: 'ghs_example',
  packages: 'app',
  'dry-run': 'true',
  'request-budget': '100',
  'restore-from': 'journal.json',
  'restore-within': '2h'
}

const isExpression = (value: string): boolean => value.includes('${{')

/** Runs the action's settings reader on a step's `with:`; returns its error, if any. */
const settingsError = (action: ActionMetadata, given: Yaml): string | undefined => {
  const values: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const raw = name in given ? given[name] : spec.default
    const value = raw === undefined || raw === null ? '' : String(raw).trim()
    if (!isExpression(value)) values[name] = value
    else if (name in EXPRESSION_STAND_INS) values[name] = EXPRESSION_STAND_INS[name]
    else if (name in given) return undefined
    else values[name] = ''
  }
  try {
    readSettings(name => values[name] ?? '', {
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_SERVER_URL: 'https://github.com',
      RUNNER_TEMP: '/tmp'
    })
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

/** The example runs on a pull request's `closed` event. */
const onPullRequestClose = (doc: Yaml): boolean => {
  const on = doc.on
  const events = typeof on === 'string' ? [on] : Array.isArray(on) ? on : isMap(on) ? Object.keys(on) : []
  return events.some(event => {
    if (!PULL_REQUEST_EVENTS.includes(String(event))) return false
    const spec = isMap(on) ? on[String(event)] : undefined
    const types = isMap(spec) ? spec.types : undefined
    return types === undefined || (Array.isArray(types) && types.includes('closed'))
  })
}

/** Every problem of one example, each as `file:line: what`. */
export const checkExample = (example: ParsedExample, action: ActionMetadata): string[] => {
  const problems: string[] = []
  const say = (what: string) => problems.push(`${example.where}: ${what}`)
  const inputs = new Set(Object.keys(action.inputs))
  const outputs = new Set(Object.keys(action.outputs))
  const jobs = jobsOf(example.doc)
  const ourIds = new Set<string>()
  const otherIds = new Set<string>()
  let ourSteps = 0

  for (const steps of jobs) {
    let checkedOut = false
    for (const step of steps) {
      if (isCheckout(step)) checkedOut = true
      if (!isOurs(step)) {
        if (typeof step.id === 'string') otherIds.add(step.id)
        continue
      }
      ourSteps++
      if (typeof step.id === 'string') ourIds.add(step.id)
      const given = isMap(step.with) ? step.with : {}
      for (const key of Object.keys(given))
        if (!inputs.has(key)) say(`\`with: ${key}\` is not an input of action.yml`)
      const error = settingsError(action, given)
      if (error) say(`the action would reject this step's inputs: ${error}`)
      const mode = String(given.mode ?? 'prune')
      if (example.complete && mode !== 'list' && !checkedOut)
        say('no actions/checkout before the action: protect-pinned would have nothing to scan')
      if (example.complete && isMap(example.doc) && onPullRequestClose(example.doc) && given['fail-on-noop'])
        say('fail-on-noop on a pull request close fails a close that finds no image (one that built none)')
    }
  }
  if (ourSteps === 0) say('uses this action, but no step of it was found in the parsed YAML')

  for (const match of example.text.matchAll(/steps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g)) {
    const [ref, id, name] = match
    if (ourIds.has(id)) {
      if (!outputs.has(name)) say(`\`${ref}\`: ${name} is not an output of action.yml`)
    } else if (!otherIds.has(id)) say(`\`${ref}\`: no step has the id ${id}`)
  }

  if (example.complete && isMap(example.doc)) {
    const doc = example.doc
    const jobMaps = Object.values(doc.jobs as Yaml).filter(isMap)
    if (!('permissions' in doc) && !jobMaps.every(job => 'permissions' in job))
      say('no `permissions:`: the token would get the repository default instead of least privilege')
    if (!('concurrency' in doc) && !jobMaps.every(job => 'concurrency' in job))
      say('no `concurrency:` group: two runs could prune the same packages at once')
  }
  return problems
}

/** Every example of the documentation, parsed (a YAML error is thrown with the fence's location). */
export const documentationExamples = (): ParsedExample[] =>
  documentationFiles().flatMap(file =>
    findExamples(readFileSync(path.join(repoRoot, file), 'utf8'), file).map(parseExample)
  )

/** GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
export const headingAnchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')

/** Relative links of the documentation whose file or `#anchor` does not exist, as `file: link`. */
export const brokenLinks = (
  files: readonly string[],
  read: (file: string) => string | undefined
): string[] => {
  const broken: string[] = []
  for (const file of files) {
    const text = read(file) ?? ''
    const prose = text.replace(/```[\s\S]*?```/g, '')
    for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue
      const [pathPart, anchor] = target.split('#')
      const linked =
        pathPart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), pathPart))
      const content = read(linked)
      if (content === undefined) {
        broken.push(`${file}: ${target} (no file ${linked})`)
        continue
      }
      if (anchor === undefined || !linked.endsWith('.md')) continue
      const anchors = new Set(
        content
          .replace(/```[\s\S]*?```/g, '')
          .split('\n')
          .filter(line => /^#{1,6} /.test(line))
          .map(line => headingAnchor(line.replace(/^#+ /, '')))
      )
      if (!anchors.has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor} in ${linked})`)
    }
  }
  return broken
}
