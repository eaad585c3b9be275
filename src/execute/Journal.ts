import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Decision } from '../planner/Decision.js'
import type { Plan, PlanWarning } from '../planner/Plan.js'
import type {
  ExecutionResult,
  FailedDelete,
  HeldBack,
  RefusedDelete,
  UntagResult
} from './ExecutionResult.js'

export const JOURNAL_SCHEMA = 'ghcr-retention/journal@1'

export interface JournalDeleted {
  readonly id: number
  readonly digest: string
  readonly tags: readonly string[]
  /** ISO-8601. */
  readonly at: string
  /** Ids deleted before this one because they referenced it (restore puts this one back first). */
  readonly after?: readonly number[]
  /** 404 on delete: it was already gone. */
  readonly gone?: boolean
}

export interface JournalRestore {
  readonly id: number
  readonly digest?: string
  readonly outcome: 'restored' | 'not-restored' | 'not-attempted'
  readonly reason?: string
}

export interface JournalBrokenTag {
  readonly tag: string
  readonly digest?: string
  readonly missing: readonly string[]
  readonly reason: string
}

export interface JournalPackage {
  readonly name: string
  readonly decisions?: readonly Decision[]
  readonly warnings?: readonly PlanWarning[]
  readonly blocked?: string
  readonly deleted: readonly JournalDeleted[]
  readonly refused: readonly RefusedDelete[]
  readonly failed: readonly FailedDelete[]
  readonly remaining: readonly number[]
  readonly heldBack?: readonly HeldBack[]
  readonly untagged?: readonly UntagResult[]
  readonly stoppedReason?: string
  readonly restored?: readonly JournalRestore[]
  readonly broken?: readonly JournalBrokenTag[]
}

/**
 * What a run did, written for people (diff two runs) and for `mode: restore` (undo this run). Versioned: a
 * reader refuses a schema it does not know instead of guessing.
 */
export interface Journal {
  readonly schema: typeof JOURNAL_SCHEMA
  readonly mode: 'prune' | 'validate' | 'restore'
  /** ISO-8601. */
  readonly startedAt: string
  readonly finishedAt?: string
  readonly dryRun: boolean
  readonly owner: string
  readonly packages: readonly JournalPackage[]
  /** Overall status line, e.g. "ok" or "failed: app (2 failed deletes)". */
  readonly status?: string
}

/** One package of a prune, from its plan and what the executor did with it. */
export function journalPackage(given: Plan, result?: ExecutionResult): JournalPackage {
  const plan = result?.executedPlan ?? given
  const deleted: JournalDeleted[] = (result?.deletedVersions ?? []).map(d => ({
    id: d.versionId,
    digest: d.digest,
    tags: d.tags,
    at: d.at,
    ...(d.after && d.after.length > 0 ? { after: d.after } : {}),
    ...(d.gone ? { gone: true } : {})
  }))
  return {
    name: plan.packageName,
    decisions: plan.decisions,
    ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}),
    ...(plan.blocked !== undefined ? { blocked: plan.blocked } : {}),
    deleted: result?.dryRun ? [] : deleted,
    refused: result?.refused ?? [],
    failed: result?.failed ?? [],
    remaining: result?.remaining ?? [],
    ...(result?.heldBack && result.heldBack.length > 0 ? { heldBack: result.heldBack } : {}),
    ...(result && result.untagged.length > 0 ? { untagged: result.untagged } : {}),
    ...(result?.stoppedReason !== undefined ? { stoppedReason: result.stoppedReason } : {})
  }
}

/**
 * Writes the journal so a reader never sees half a file: a temporary file beside the target, then a rename
 * (atomic on one file system). Called after every package too, so a killed run still leaves what it did.
 */
export async function writeJournal(path: string, journal: Journal): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  try {
    await writeFile(tmp, JSON.stringify(journal, null, 2) + '\n', 'utf8')
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}

export class JournalError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JournalError'
  }
}

/** Reads and checks a journal; every problem names the file and what was expected. */
export async function readJournal(path: string): Promise<Journal> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new JournalError(
      `restore-from: cannot read the journal file ${JSON.stringify(path)} (${(error as Error).message}); ` +
        'give the path of a journal-file written by an earlier run, or the name of its workflow artifact'
    )
  }
  return parseJournal(text, path)
}

export function parseJournal(text: string, source: string): Journal {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new JournalError(`${source} is not JSON; expected a ghcr-retention journal (${JOURNAL_SCHEMA})`)
  }
  const fail = (what: string): never => {
    throw new JournalError(`${source} is not a ghcr-retention journal: ${what}`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('not a JSON object')
  const j = json as Record<string, unknown>
  if (j.schema !== JOURNAL_SCHEMA) {
    fail(
      `schema is ${JSON.stringify(j.schema)}, this version of the action reads ${JSON.stringify(JOURNAL_SCHEMA)}`
    )
  }
  if (typeof j.owner !== 'string' || j.owner === '') fail('"owner" is missing')
  if (typeof j.startedAt !== 'string') fail('"startedAt" is missing')
  if (!Array.isArray(j.packages)) fail('"packages" is not a list')
  for (const [i, p] of (j.packages as unknown[]).entries()) {
    if (typeof p !== 'object' || p === null) fail(`packages[${i}] is not an object`)
    const pkg = p as Record<string, unknown>
    if (typeof pkg.name !== 'string') fail(`packages[${i}].name is missing`)
    if (!Array.isArray(pkg.deleted)) fail(`packages[${i}].deleted is not a list`)
    for (const [k, d] of (pkg.deleted as unknown[]).entries()) {
      const del = d as Record<string, unknown>
      if (typeof del?.id !== 'number' || typeof del.digest !== 'string' || typeof del.at !== 'string') {
        fail(`packages[${i}].deleted[${k}] needs a numeric "id", a "digest" and an "at" time`)
      }
    }
  }
  return json as Journal
}
