import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Decision } from '../planner/Decision.js'
import type { Plan, PlanWarning } from '../planner/Plan.js'
import type {
  ExecutionResult,
  FailedDelete,
  HeldBack,
  RefusedDelete,
  UntagResult
} from './ExecutionResult.js'
import { journalRecordErrors } from './journalSchema.js'

/**
 * The journal: JSON Lines, one record a line, appended as the run goes and never rewritten, so a run killed at
 * any moment leaves every record written before the kill (docs/journal-format.md is the reference).
 */
export const JOURNAL_FORMAT = 'ghcr-retention/journal'
export const JOURNAL_VERSION = 2

/**
 * The stop reason (ExecutionResult.stoppedReason prefix, and the `stop` of the end record) of a run whose
 * journal could not be written: no further delete was sent. The user must act (free the disk, fix the path).
 */
export const JOURNAL_FAILED = 'journal-failed'

export type JournalMode = 'prune' | 'restore'

export interface RunIdentity {
  readonly repository?: string
  readonly runId?: string
  readonly attempt?: string
  readonly job?: string
  /** GITHUB_ACTION: the step, unique within a job. */
  readonly step?: string
}

export interface HeaderRecord {
  readonly type: 'header'
  readonly format: typeof JOURNAL_FORMAT
  readonly version: number
  readonly mode: JournalMode
  readonly dryRun: boolean
  readonly owner: string
  /** ISO-8601. */
  readonly startedAt: string
  readonly run: RunIdentity
  /** `sha256:` of the resolved settings (token left out): two runs with the same digest ran the same settings. */
  readonly settings: string
}

export interface PlanRecord {
  readonly type: 'plan'
  readonly package: string
  readonly at: string
  readonly decisions: number
  readonly deletes: number
  readonly warnings?: readonly PlanWarning[]
  readonly blocked?: string
}

/** A Decision with `id` for `versionId`, like every other record. */
export type DecisionRecord = {
  readonly type: 'decision'
  readonly package: string
  readonly id: number
} & Omit<Decision, 'versionId'>

export interface DeleteIntentRecord {
  readonly type: 'delete-intent'
  readonly package: string
  readonly id: number
  readonly digest: string
  readonly tags: readonly string[]
  /** Ids deleted before this one because they referenced it (restore puts this one back first). */
  readonly after?: readonly number[]
  readonly at: string
}

export type DeleteOutcomeName = 'deleted' | 'already-gone' | 'refused' | 'failed' | 'rate-limited'

export interface DeleteResultRecord {
  readonly type: 'delete-result'
  readonly package: string
  readonly id: number
  readonly digest: string
  readonly outcome: DeleteOutcomeName
  readonly status?: number
  readonly message?: string
  readonly at: string
}

export interface UntagRecord {
  readonly type: 'untag'
  readonly package: string
  readonly id: number
  readonly tag: string
  readonly ok: boolean
  readonly placeholderDigest?: string
  readonly error?: string
}

export interface PackageEndRecord {
  readonly type: 'package-end'
  readonly package: string
  readonly at: string
  readonly remaining: readonly number[]
  readonly heldBack?: readonly { readonly id: number; readonly digest: string; readonly reason: string }[]
  readonly stoppedReason?: string
  readonly replans?: number
}

export interface RestoreIntentRecord {
  readonly type: 'restore-intent'
  readonly package: string
  readonly id: number
  readonly digest?: string
  readonly at: string
}

export type RestoreOutcomeName = 'restored' | 'not-restored' | 'not-attempted' | 'already-present'

export interface RestoreResultRecord {
  readonly type: 'restore-result'
  readonly package: string
  readonly id: number
  readonly digest?: string
  readonly outcome: RestoreOutcomeName
  readonly reason?: string
  readonly at: string
}

export interface EndRecord {
  readonly type: 'end'
  readonly finishedAt: string
  readonly ok: boolean
  readonly status: string
  readonly stop?: string
}

export type JournalRecord =
  | HeaderRecord
  | PlanRecord
  | DecisionRecord
  | DeleteIntentRecord
  | DeleteResultRecord
  | UntagRecord
  | PackageEndRecord
  | RestoreIntentRecord
  | RestoreResultRecord
  | EndRecord

// ---- building records ----------------------------------------------------------------------------------------

/** Who wrote the journal, from the runner's variables (all optional: the CLI has none). */
export function runIdentity(env: NodeJS.ProcessEnv): RunIdentity {
  const pick = (name: string): string | undefined => (env[name] ? String(env[name]) : undefined)
  const out: Record<string, string> = {}
  const fields: [keyof RunIdentity, string][] = [
    ['repository', 'GITHUB_REPOSITORY'],
    ['runId', 'GITHUB_RUN_ID'],
    ['attempt', 'GITHUB_RUN_ATTEMPT'],
    ['job', 'GITHUB_JOB'],
    ['step', 'GITHUB_ACTION']
  ]
  for (const [key, name] of fields) {
    const value = pick(name)
    if (value !== undefined) out[key] = value
  }
  return out
}

/**
 * `sha256:` of the settings as JSON, without secrets; compiled matchers count by what JSON sees of them (their
 * `source`). A value met twice (a cycle inside a compiled pattern) is hashed once, so this never throws.
 */
export function settingsDigest(settings: object): string {
  const seen = new WeakSet<object>()
  const text = JSON.stringify(settings, (key, value: unknown) => {
    if (/token|password|secret/i.test(key)) return undefined
    if (value instanceof RegExp) return String(value)
    if (value instanceof Map) return [...value.entries()]
    if (value instanceof Set) return [...value]
    if (typeof value === 'bigint') return String(value)
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[seen]'
      seen.add(value)
    }
    return value
  })
  return `sha256:${createHash('sha256')
    .update(text ?? '')
    .digest('hex')}`
}

/**
 * The plan line and one decision line per version, made one at a time as they are read (JournalWriter.write
 * turns them into lines as it goes), so a large plan is not copied into records all at once.
 */
export function* planRecords(plan: Plan, at: string): Generator<JournalRecord> {
  const head: PlanRecord = {
    type: 'plan',
    package: plan.packageName,
    at,
    decisions: plan.decisions.length,
    deletes: plan.deleteOrder.length,
    ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}),
    ...(plan.blocked !== undefined ? { blocked: plan.blocked } : {})
  }
  yield head
  for (const { versionId, ...rest } of plan.decisions) {
    const record: DecisionRecord = { type: 'decision', package: plan.packageName, id: versionId, ...rest }
    yield record
  }
}

/** Untag lines and the package-end line, once the package's execution is over. */
export function packageEndRecords(name: string, execution: ExecutionResult, at: string): JournalRecord[] {
  const untags: UntagRecord[] = execution.dryRun
    ? []
    : execution.untagged.map(u => ({
        type: 'untag',
        package: name,
        id: u.versionId,
        tag: u.tag,
        ok: u.ok,
        ...(u.placeholderDigest !== undefined ? { placeholderDigest: u.placeholderDigest } : {}),
        ...(u.error !== undefined ? { error: u.error } : {})
      }))
  const end: PackageEndRecord = {
    type: 'package-end',
    package: name,
    at,
    remaining: execution.dryRun ? [] : [...execution.remaining],
    ...(execution.heldBack && execution.heldBack.length > 0
      ? { heldBack: execution.heldBack.map(h => ({ id: h.versionId, digest: h.digest, reason: h.reason })) }
      : {}),
    ...(execution.stoppedReason !== undefined ? { stoppedReason: execution.stoppedReason } : {}),
    ...(execution.replans ? { replans: execution.replans } : {})
  }
  return [...untags, end]
}

// ---- reading -------------------------------------------------------------------------------------------------

export class JournalError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JournalError'
  }
}

/** A record with the line it was read from (1-based), so an error can point at it. */
export interface Located<T extends JournalRecord = JournalRecord> {
  readonly line: number
  readonly record: T
}

export interface ParsedJournal {
  readonly source: string
  readonly header: HeaderRecord
  readonly records: readonly Located[]
  /** The last line was cut off (the writer was killed mid-line); it was left out. */
  readonly torn: boolean
  /** The run wrote its `end` line. */
  readonly complete: boolean
}

const quote = (text: string, max = 80): string =>
  JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)

/**
 * Parses and checks a journal: every line JSON, every record valid against the schema
 * (src/execute/journalSchema.ts), a header first, results only after their intent. A last line without its
 * newline that does not parse is a torn write of a killed run: left out, and said so. Every error names the
 * source and the line.
 */
export function parseJournalRecords(text: string, source: string): ParsedJournal {
  const fail = (where: string, what: string): never => {
    throw new JournalError(`${source}${where}: ${what}`)
  }
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{\n') || trimmed.startsWith('{\r\n')) {
    let old: unknown
    try {
      old = JSON.parse(text)
    } catch {
      old = undefined
    }
    if (old && typeof old === 'object' && 'schema' in old) {
      fail(
        '',
        `is a journal of the earlier format ${quote(String((old as { schema: unknown }).schema))}; this version ` +
          `of the action reads ${JOURNAL_FORMAT} version ${JOURNAL_VERSION} (JSON Lines, docs/journal-format.md)`
      )
    }
  }
  const lines = text.split('\n')
  const endsWithNewline = text.endsWith('\n')
  if (endsWithNewline) lines.pop()
  const records: Located[] = []
  let torn = false
  for (const [i, raw] of lines.entries()) {
    const n = i + 1
    const isLast = i === lines.length - 1
    if (raw.trim() === '') {
      if (isLast && !endsWithNewline) continue
      fail(` line ${n}`, 'is empty; every line of a journal is one JSON object')
    }
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      // Only the very last line can be cut short: the writer appends whole lines.
      if (isLast && !endsWithNewline && n > 1) {
        torn = true
        continue
      }
      fail(` line ${n}`, `is not JSON: ${quote(raw)}`)
    }
    const errors = journalRecordErrors(value)
    if (errors) fail(` line ${n}`, errors)
    records.push({ line: n, record: value as JournalRecord })
  }
  if (records.length === 0) fail('', `is empty; expected a ${JOURNAL_FORMAT} journal`)
  const first = records[0].record
  if (first.type !== 'header') {
    fail(' line 1', `is a ${quote(first.type)} record; a journal starts with its "header" record`)
  }
  const header = first as HeaderRecord
  if (header.version !== JOURNAL_VERSION) {
    fail(
      ' line 1',
      `is version ${header.version} of ${JOURNAL_FORMAT}; this version of the action reads version ${JOURNAL_VERSION}`
    )
  }
  let complete = false
  const intents = new Map<string, Located<DeleteIntentRecord>>()
  for (const located of records.slice(1)) {
    const { line, record } = located
    if (complete) fail(` line ${line}`, 'follows the "end" record; nothing may follow it')
    switch (record.type) {
      case 'header':
        fail(` line ${line}`, 'is a second "header" record; a journal has one, on line 1')
        break
      case 'delete-intent':
        intents.set(`${record.package}\n${record.id}`, located as Located<DeleteIntentRecord>)
        break
      case 'delete-result': {
        const intent = intents.get(`${record.package}\n${record.id}`)
        if (!intent) {
          fail(
            ` line ${line}`,
            `is the result of deleting version ${record.id} of ${quote(record.package)} with no "delete-intent" ` +
              'before it; a delete is recorded before it is sent'
          )
        } else if (intent.record.digest !== record.digest) {
          fail(
            ` line ${line}`,
            `records digest ${quote(record.digest)} for version ${record.id}, but its intent on line ${intent.line} ` +
              `records ${quote(intent.record.digest)}`
          )
        }
        break
      }
      case 'end':
        complete = true
        break
      default:
        break
    }
  }
  if (torn && complete) fail(` line ${lines.length}`, 'is cut off after the "end" record')
  return { source, header, records, torn, complete }
}

export interface JournalDeleted {
  readonly id: number
  readonly digest: string
  readonly tags: readonly string[]
  /** ISO-8601 time of the answer. */
  readonly at: string
  readonly after?: readonly number[]
  /** 404 on delete: it was already gone. */
  readonly gone?: boolean
  /** Line of the delete-intent record. */
  readonly line: number
}

/** A delete recorded as sent with no answer recorded (the run was killed, or its journal failed): it may have happened. */
export interface JournalUnconfirmed {
  readonly id: number
  readonly digest: string
  readonly tags: readonly string[]
  readonly at: string
  readonly after?: readonly number[]
  readonly line: number
}

export interface JournalRestore {
  readonly id: number
  readonly digest?: string
  readonly outcome: RestoreOutcomeName
  readonly reason?: string
}

/** One package, folded from its records (the last plan wins: a re-plan replaces the decisions). */
export interface JournalPackage {
  readonly name: string
  readonly decisions: Decision[]
  readonly warnings?: readonly PlanWarning[]
  readonly blocked?: string
  readonly deleted: JournalDeleted[]
  readonly unconfirmed: JournalUnconfirmed[]
  /** Deletes that errored: they may have happened (a 5xx after the effect); restore checks with GitHub. */
  readonly failed: (FailedDelete & {
    readonly line: number
    readonly tags: readonly string[]
    readonly after?: readonly number[]
  })[]
  readonly refused: RefusedDelete[]
  readonly remaining: number[]
  readonly heldBack?: HeldBack[]
  readonly untagged?: UntagResult[]
  readonly stoppedReason?: string
  readonly restored?: JournalRestore[]
  /** The package-end record was written. */
  readonly ended: boolean
}

/** A journal as people and tests read it: the header's facts, each package folded, and the end. */
export interface Journal extends ParsedJournal {
  readonly mode: JournalMode
  readonly owner: string
  readonly dryRun: boolean
  readonly startedAt: string
  readonly finishedAt?: string
  readonly status?: string
  readonly stop?: string
  readonly packages: JournalPackage[]
}

type MutablePackage = { -readonly [K in keyof JournalPackage]: JournalPackage[K] } & {
  intents: Map<number, Located<DeleteIntentRecord>>
}

export function foldJournal(parsed: ParsedJournal): Journal {
  const packages = new Map<string, MutablePackage>()
  const pkg = (name: string): MutablePackage => {
    let p = packages.get(name)
    if (!p) {
      p = {
        name,
        decisions: [],
        deleted: [],
        unconfirmed: [],
        failed: [],
        refused: [],
        remaining: [],
        ended: false,
        intents: new Map()
      }
      packages.set(name, p)
    }
    return p
  }
  let end: EndRecord | undefined
  for (const { line, record: r } of parsed.records) {
    switch (r.type) {
      case 'plan': {
        const p = pkg(r.package)
        p.decisions = []
        p.warnings = r.warnings
        p.blocked = r.blocked
        break
      }
      case 'decision': {
        const { type: _type, package: name, id, ...rest } = r
        pkg(name).decisions.push({ versionId: id, ...rest } as Decision)
        break
      }
      case 'delete-intent':
        pkg(r.package).intents.set(r.id, { line, record: r })
        break
      case 'delete-result': {
        const p = pkg(r.package)
        const intent = p.intents.get(r.id)!
        p.intents.delete(r.id)
        const base = {
          id: r.id,
          digest: r.digest,
          tags: intent.record.tags,
          at: r.at,
          ...(intent.record.after ? { after: intent.record.after } : {}),
          line: intent.line
        }
        if (r.outcome === 'deleted') p.deleted.push(base)
        else if (r.outcome === 'already-gone') p.deleted.push({ ...base, gone: true })
        else if (r.outcome === 'refused') {
          p.refused.push({
            versionId: r.id,
            digest: r.digest,
            status: r.status ?? 0,
            message: r.message ?? ''
          })
        } else if (r.outcome === 'failed') {
          p.failed.push({
            versionId: r.id,
            digest: r.digest,
            error: r.message ?? '',
            line: intent.line,
            tags: intent.record.tags,
            ...(intent.record.after ? { after: intent.record.after } : {})
          })
        }
        // rate-limited: GitHub answered before acting; the version is in the package-end's `remaining`.
        break
      }
      case 'untag': {
        const p = pkg(r.package)
        p.untagged = [
          ...(p.untagged ?? []),
          {
            versionId: r.id,
            tag: r.tag,
            ok: r.ok,
            ...(r.placeholderDigest !== undefined ? { placeholderDigest: r.placeholderDigest } : {}),
            ...(r.error !== undefined ? { error: r.error } : {})
          }
        ]
        break
      }
      case 'package-end': {
        const p = pkg(r.package)
        p.remaining = [...r.remaining]
        if (r.heldBack)
          p.heldBack = r.heldBack.map(h => ({ versionId: h.id, digest: h.digest, reason: h.reason }))
        if (r.stoppedReason !== undefined) p.stoppedReason = r.stoppedReason
        p.ended = true
        break
      }
      case 'restore-result': {
        const p = pkg(r.package)
        p.restored = [
          ...(p.restored ?? []),
          {
            id: r.id,
            ...(r.digest !== undefined ? { digest: r.digest } : {}),
            outcome: r.outcome,
            ...(r.reason !== undefined ? { reason: r.reason } : {})
          }
        ]
        break
      }
      case 'end':
        end = r
        break
      default:
        break
    }
  }
  const out: JournalPackage[] = []
  for (const { intents, ...p } of packages.values()) {
    p.unconfirmed = [...intents.values()].map(({ line, record }) => ({
      id: record.id,
      digest: record.digest,
      tags: record.tags,
      at: record.at,
      ...(record.after ? { after: record.after } : {}),
      line
    }))
    out.push(p)
  }
  const h = parsed.header
  return {
    ...parsed,
    mode: h.mode,
    owner: h.owner,
    dryRun: h.dryRun,
    startedAt: h.startedAt,
    ...(end
      ? { finishedAt: end.finishedAt, status: end.status, ...(end.stop ? { stop: end.stop } : {}) }
      : {}),
    packages: out
  }
}

/** Parses, checks and folds a journal's text. */
export function parseJournal(text: string, source: string): Journal {
  return foldJournal(parseJournalRecords(text, source))
}

/** Reads, checks and folds a journal file; every problem names the file and what was expected. */
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
