// Loads the repository's own shipping files (workflows, action.yml, README) for the __tests__/ship checks.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const workflowDir = path.join(repoRoot, '.github/workflows')

export const readRepoFile = (relative: string): string => readFileSync(path.join(repoRoot, relative), 'utf8')

/** Parses YAML strictly: duplicate keys and syntax errors throw instead of being silently resolved. */
export const parseYaml = (text: string, name: string): unknown => {
  try {
    return parse(text, { uniqueKeys: true, prettyErrors: true, strict: true })
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`, { cause: error })
  }
}

export type Yaml = Record<string, unknown>
export const isMap = (value: unknown): value is Yaml =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export interface WorkflowStep extends Yaml {
  id?: string
  uses?: string
  run?: string
  with?: Yaml
  env?: Yaml
}

export interface WorkflowJob extends Yaml {
  'runs-on'?: unknown
  'timeout-minutes'?: unknown
  permissions?: unknown
  steps?: WorkflowStep[]
  uses?: string
}

export interface Workflow {
  file: string
  text: string
  doc: Yaml & { jobs: Record<string, WorkflowJob>; permissions?: unknown; on?: unknown }
}

export const workflowFiles = (): string[] =>
  readdirSync(workflowDir)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()

export const loadWorkflow = (file: string): Workflow => {
  const text = readFileSync(path.join(workflowDir, file), 'utf8')
  const doc = parseYaml(text, file)
  if (!isMap(doc) || !isMap(doc.jobs)) throw new Error(`${file}: not a workflow (no jobs map)`)
  return { file, text, doc: doc as Workflow['doc'] }
}

export const loadWorkflows = (): Workflow[] => workflowFiles().map(loadWorkflow)

/** Every `uses:` reference of a workflow: job-level (reusable workflows) and step-level. */
export const usesOf = (workflow: Workflow): string[] =>
  Object.values(workflow.doc.jobs).flatMap(job => [
    ...(typeof job.uses === 'string' ? [job.uses] : []),
    ...(job.steps ?? []).flatMap(step => (typeof step.uses === 'string' ? [step.uses] : []))
  ])

export interface ActionMetadata {
  name?: unknown
  description?: unknown
  author?: unknown
  branding?: { icon?: unknown; color?: unknown }
  inputs: Record<string, { description?: unknown; default?: unknown; required?: unknown }>
  outputs: Record<string, { description?: unknown }>
  runs?: { using?: unknown; main?: unknown }
}

export const loadActionMetadata = (): ActionMetadata => {
  const doc = parseYaml(readRepoFile('action.yml'), 'action.yml')
  if (!isMap(doc) || !isMap(doc.inputs) || !isMap(doc.outputs))
    throw new Error('action.yml: no inputs/outputs maps')
  return doc as unknown as ActionMetadata
}
