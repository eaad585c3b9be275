import { createHash } from 'node:crypto'
import { mkdtemp, readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { ArtifactClient } from '@actions/artifact'
import type { Logger } from '../log/Logger.js'
import { readJournal, type Journal } from './Journal.js'

/** Days GitHub keeps the journal artifact; restore works for 30 days, so the journal should outlive that. */
export const JOURNAL_RETENTION_DAYS = 35

/** What the main step tells its post step (core.saveState), which uploads a journal the main step did not. */
export const JOURNAL_STATE = {
  /** Path of the journal the main step opened. */
  path: 'journal-file',
  /** The artifact name the journal goes under. */
  artifact: 'journal-artifact',
  /** Set once the main step uploaded it. */
  uploaded: 'journal-uploaded'
} as const

/** GITHUB_ACTION reduced to what a file or artifact name may hold. */
function stepOf(env: NodeJS.ProcessEnv): string | undefined {
  const step = (env.GITHUB_ACTION ?? '').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60)
  return step === '' ? undefined : step
}

/**
 * The default journal-file: in RUNNER_TEMP (the working directory outside Actions), named for the step
 * (GITHUB_ACTION: the runner makes it unique per step of a job, `__owner_repo`, `__owner_repo_2`, ...) and the
 * run attempt, so two steps of the action in one job each keep their own journal.
 */
export function defaultJournalFile(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const step = stepOf(env)
  const attempt = env.GITHUB_RUN_ATTEMPT
  const suffix = [step, attempt ? `attempt${attempt.replace(/\D/g, '')}` : undefined]
    .filter(Boolean)
    .join('-')
  return join(env.RUNNER_TEMP || cwd, `ghcr-retention-journal${suffix ? `-${suffix}` : ''}.jsonl`)
}

/**
 * A name unique per step of a run: `@actions/artifact` v2+ refuses a second artifact of the same name in one
 * run. The run id and attempt, the job and the step (GITHUB_JOB, GITHUB_ACTION) tell steps apart; matrix jobs
 * share both, so the owner and package set are hashed in.
 */
export function journalArtifactName(
  env: NodeJS.ProcessEnv,
  owner: string,
  packages: readonly string[]
): string {
  const scope = createHash('sha256')
    .update(`${owner}\n${[...packages].sort().join('\n')}\n${env.GITHUB_JOB ?? ''}`)
    .digest('hex')
    .slice(0, 8)
  const run = env.GITHUB_RUN_ID ?? 'local'
  const attempt = env.GITHUB_RUN_ATTEMPT ?? '1'
  const step = stepOf(env)
  return `ghcr-retention-journal-${run}-${attempt}-${step ? `${step}-` : ''}${scope}`
}

/** The Actions runtime is there (artifact uploads need it; a local run or a container job may lack it). */
export function canUseArtifacts(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN) && Boolean(env.ACTIONS_RESULTS_URL)
}

async function defaultClient(): Promise<ArtifactClient> {
  const { DefaultArtifactClient } = await import('@actions/artifact')
  return new DefaultArtifactClient()
}

/**
 * Uploads the journal file as an artifact; returns its name, or undefined when artifacts are unavailable
 * (then only the file is written — never a reason to fail a run whose deletes went fine).
 */
export async function uploadJournal(
  path: string,
  name: string,
  logger: Logger,
  options: { env?: NodeJS.ProcessEnv; client?: ArtifactClient } = {}
): Promise<string | undefined> {
  const env = options.env ?? process.env
  if (!options.client && !canUseArtifacts(env)) {
    logger.debug('journal not uploaded as an artifact: no Actions runtime (ACTIONS_RUNTIME_TOKEN is not set)')
    return undefined
  }
  try {
    const client = options.client ?? (await defaultClient())
    await client.uploadArtifact(name, [path], dirname(path), { retentionDays: JOURNAL_RETENTION_DAYS })
    logger.info(`journal uploaded as workflow artifact ${name}`)
    return name
  } catch (error) {
    logger.warning(
      `could not upload the journal as artifact ${name}: ${(error as Error).message}; it is at ${path}`
    )
    return undefined
  }
}

export interface ArtifactSource {
  /** Run that uploaded the artifact; absent = the current run. */
  readonly runId?: number
  /** `owner/repo` of that run; needed with runId. */
  readonly repository?: string
  /** Token that may read the repository's Actions artifacts (`actions: read`); needed with runId. */
  readonly token?: string
}

/**
 * Downloads a journal artifact (of this run, or of another run with `runId`) and returns the path of the
 * journal file in it.
 */
export async function downloadJournal(
  name: string,
  source: ArtifactSource = {},
  options: { env?: NodeJS.ProcessEnv; client?: ArtifactClient; dir?: string } = {}
): Promise<string> {
  const env = options.env ?? process.env
  // Another run's artifact is read through the public REST API with a token; this run's needs the runtime.
  if (!options.client && source.runId === undefined && !canUseArtifacts(env)) {
    throw new Error(
      `restore-from: ${JSON.stringify(name)} is not a file here, and an artifact of the current run can only be ` +
        'read inside GitHub Actions; give the path of a journal file, or `<run-id>/<artifact-name>`'
    )
  }
  const client = options.client ?? (await defaultClient())
  let findBy:
    { token: string; workflowRunId: number; repositoryOwner: string; repositoryName: string } | undefined
  if (source.runId !== undefined) {
    const [repositoryOwner, repositoryName] = (source.repository ?? env.GITHUB_REPOSITORY ?? '').split('/')
    if (!repositoryOwner || !repositoryName || !source.token) {
      throw new Error(
        `restore-from: reading artifact ${JSON.stringify(name)} of run ${source.runId} needs the repository ` +
          '(owner/repo) and a token with actions: read'
      )
    }
    findBy = { token: source.token, workflowRunId: source.runId, repositoryOwner, repositoryName }
  }
  let id: number
  try {
    id = (await client.getArtifact(name, findBy ? { findBy } : undefined)).artifact.id
  } catch (error) {
    throw new Error(
      `restore-from: no workflow artifact named ${JSON.stringify(name)}` +
        `${source.runId !== undefined ? ` in run ${source.runId}` : ' in this run'} (${(error as Error).message}); ` +
        'the name is printed by the run that wrote the journal',
      { cause: error }
    )
  }
  const dir = options.dir ?? (await mkdtemp(join(env.RUNNER_TEMP ?? tmpdir(), 'ghcr-retention-restore-')))
  const { downloadPath } = await client.downloadArtifact(id, { path: dir, ...(findBy ? { findBy } : {}) })
  const where = downloadPath ?? dir
  const files = (await readdir(where)).filter(f => f.endsWith('.jsonl'))
  if (files.length !== 1) {
    throw new Error(
      `restore-from: artifact ${JSON.stringify(name)} holds ${files.length} journal files (.jsonl: ${files.map(f => JSON.stringify(basename(f))).join(', ') || 'none'}); expected one`
    )
  }
  return join(where, files[0])
}

/**
 * `restore-from`: a journal file path; else the name of a journal artifact of this run; else
 * `<run-id>/<artifact-name>` for another run of the repository (`/` cannot occur in an artifact name, so the
 * form is unambiguous once no such file exists).
 */
export async function openJournal(
  value: string,
  options: { token?: string; repository?: string; env?: NodeJS.ProcessEnv; client?: ArtifactClient } = {}
): Promise<{ journal: Journal; path: string }> {
  const isFile = await stat(value).then(
    s => s.isFile(),
    () => false
  )
  if (isFile) return { journal: await readJournal(value), path: value }
  const other = /^(\d+)\/([^/]+)$/.exec(value)
  const source: ArtifactSource = other
    ? { runId: Number(other[1]), repository: options.repository, token: options.token }
    : {}
  const path = await downloadJournal(other ? other[2] : value, source, {
    env: options.env,
    client: options.client
  })
  return { journal: await readJournal(path), path }
}
