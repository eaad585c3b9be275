import type { PackagesApi } from '../github/PackagesApi.js'
import { silentLogger, type Logger } from '../log/Logger.js'
import type { PackageRef, PackageVersion } from '../model/PackageVersion.js'
import type { Journal, JournalRestore } from './Journal.js'
import { runOrdered } from './OrderedPool.js'
import type { RequestBudget } from './RequestBudget.js'

/** GitHub restores a deleted version for 30 days (docs: "Deleting and restoring a package"). */
export const RESTORE_WINDOW_MS = 30 * 24 * 3600 * 1000

export interface RestoreItem {
  readonly id: number
  readonly digest?: string
  /** Epoch ms of the delete, when known. */
  readonly deletedAt?: number
  /** Ids that referenced this one when it was deleted: they are restored after it. */
  readonly after?: readonly number[]
  /** Line of the journal record it comes from, for errors. */
  readonly line?: number
  /** The journal recorded GitHub's answer to the delete (false: sent, no answer recorded, or it errored). */
  readonly confirmed?: boolean
}

export interface NotRestored {
  readonly versionId: number
  readonly digest?: string
  readonly reason: string
}

export interface RestoreResult {
  readonly packageName: string
  readonly restored: readonly number[]
  readonly notRestored: readonly NotRestored[]
  /** Not attempted: budget used up or cancelled. */
  readonly remaining: readonly number[]
  readonly stoppedReason?: string
  readonly restRequests: number
}

export interface RestoreDeps {
  readonly packages: PackagesApi
  readonly budget: RequestBudget
  readonly signal?: AbortSignal
  readonly logger?: Logger
  /** Restores in flight at once (only between versions that do not depend on each other). Default 4. */
  readonly concurrency?: number
  readonly now?: () => number
  /** Told before each restore request (the journal records it; the answers follow with the result). */
  readonly onRestoring?: (id: number, digest: string | undefined) => void
}

/**
 * Restores versions through GitHub's restore endpoint, children before the versions that reference them, so
 * a tag reappears only once what it needs is back. A version that cannot come back (older than 30 days, its
 * digest pushed again since, no permission) is reported; the versions above it are still restored, because an
 * index missing one platform still serves the others.
 */
export async function restoreVersions(
  pkg: PackageRef,
  items: readonly RestoreItem[],
  deps: RestoreDeps
): Promise<RestoreResult> {
  const logger = deps.logger ?? silentLogger
  const now = (deps.now ?? Date.now)()
  const restStart = deps.packages.requestCount
  const restored: number[] = []
  const notRestored: NotRestored[] = []
  const byId = new Map<number, RestoreItem>()
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item)

  const order: number[] = []
  for (const item of byId.values()) {
    if (item.deletedAt !== undefined && now - item.deletedAt > RESTORE_WINDOW_MS) {
      notRestored.push({
        versionId: item.id,
        digest: item.digest,
        reason: `deleted ${new Date(item.deletedAt).toISOString()}, more than 30 days ago: GitHub no longer restores it`
      })
    } else {
      order.push(item.id)
    }
  }
  // A referrer waits for what it references: reverse the delete-time edges.
  const after = new Map<number, number[]>()
  for (const id of order) {
    for (const referrer of byId.get(id)?.after ?? []) {
      const list = after.get(referrer)
      if (list) list.push(id)
      else after.set(referrer, [id])
    }
  }

  const pool = await runOrdered<number>({
    order,
    after,
    concurrency: deps.concurrency ?? 4,
    gate: () => {
      if (deps.signal?.aborted) return 'cancelled'
      if (!deps.budget.tryAcquire()) return deps.budget.exhausted ?? 'request budget used up'
      return undefined
    },
    run: async id => {
      const digest = byId.get(id)?.digest
      deps.onRestoring?.(id, digest)
      try {
        const outcome = await deps.packages.restoreVersion(pkg, id)
        if (outcome.kind === 'restored') {
          restored.push(id)
          logger.info(`restored ${pkg.name} package_version=${id}${digest ? ` digest=${digest}` : ''}`)
        } else if (outcome.kind === 'refused') {
          notRestored.push({ versionId: id, digest, reason: `${outcome.status}: ${outcome.message}` })
          logger.warning(
            `could not restore ${pkg.name} package_version=${id}: ${outcome.status} ${outcome.message}`
          )
        } else {
          notRestored.push({ versionId: id, digest, reason: 'GitHub does not know this version any more' })
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        notRestored.push({ versionId: id, digest, reason: message })
        logger.warning(`could not restore ${pkg.name} package_version=${id}: ${message}`)
      } finally {
        deps.budget.release()
      }
      // Ordering only: what references a version that could not come back is still worth restoring.
      return true
    }
  })
  return {
    packageName: pkg.name,
    restored,
    notRestored,
    remaining: [...pool.notStarted],
    ...(pool.stoppedReason !== undefined ? { stoppedReason: pool.stoppedReason } : {}),
    restRequests: deps.packages.requestCount - restStart
  }
}

/**
 * The versions a journal says may have been deleted, per package: every delete with an answer of deleted or
 * already gone, and every delete recorded as sent whose answer is missing (a killed run) or was an error (a
 * 5xx may come after the effect). Refused and rate-limited deletes did not happen. Dry-run journals delete
 * nothing.
 */
export function restoreItemsFromJournal(journal: Journal): Map<string, RestoreItem[]> {
  const out = new Map<string, RestoreItem[]>()
  for (const p of journal.packages) {
    const items: RestoreItem[] = []
    const add = (
      e: { id: number; digest: string; at: string; after?: readonly number[]; line: number },
      confirmed: boolean
    ): void => {
      const at = Date.parse(e.at)
      items.push({
        id: e.id,
        digest: e.digest,
        ...(Number.isNaN(at) ? {} : { deletedAt: at }),
        ...(e.after ? { after: e.after } : {}),
        line: e.line,
        confirmed
      })
    }
    for (const d of p.deleted) add(d, true)
    for (const u of p.unconfirmed) add(u, false)
    for (const f of p.failed)
      add({ id: f.versionId, digest: f.digest, at: journal.startedAt, after: f.after, line: f.line }, false)
    if (items.length > 0) out.set(p.name, items)
  }
  return out
}

/** A journal item that needs no restore request: already back, or not restorable. */
export interface SettledItem {
  readonly versionId: number
  readonly digest?: string
  readonly outcome: 'already-present' | 'not-restored'
  readonly reason: string
}

export interface CheckedItems {
  /** Listed by GitHub as deleted with the digest the journal recorded: these are restored. */
  readonly ready: RestoreItem[]
  readonly settled: SettledItem[]
  /** The journal and GitHub disagree on an id's digest: nothing of the run is restored. */
  readonly mismatches: string[]
}

/**
 * Checks every item against what GitHub lists before anything is restored: a deleted version must be listed
 * with the digest the journal recorded for its id (a journal edited, mixed up with another package's, or
 * written for other ids restores nothing). An id GitHub does not list as deleted is looked up: present with
 * the same digest means nothing to do; absent means it cannot come back.
 */
export async function checkAgainstGitHub(
  pkg: PackageRef,
  items: readonly RestoreItem[],
  packages: PackagesApi,
  source: string
): Promise<CheckedItems> {
  const deleted = new Map<number, PackageVersion>()
  try {
    for await (const page of packages.listVersions(pkg, 'deleted')) for (const v of page) deleted.set(v.id, v)
  } catch (error) {
    throw new Error(
      `restore-from: cannot check the journal against the versions GitHub lists as deleted, so nothing is ` +
        `restored: ${(error as Error).message}`,
      { cause: error }
    )
  }
  const ready: RestoreItem[] = []
  const settled: SettledItem[] = []
  const mismatches: string[] = []
  const where = (item: RestoreItem): string =>
    `${source}${item.line !== undefined ? ` line ${item.line}` : ''}`
  const mismatch = (item: RestoreItem, listed: PackageVersion, state: string): void => {
    mismatches.push(
      `${where(item)}: version ${item.id} of ${JSON.stringify(pkg.name)} is recorded with digest ` +
        `${JSON.stringify(item.digest)}, but GitHub lists ${state} version ${item.id} with digest ${JSON.stringify(listed.digest)}`
    )
  }
  for (const item of items) {
    const listed = deleted.get(item.id)
    if (listed) {
      if (item.digest !== undefined && listed.digest !== item.digest) mismatch(item, listed, 'the deleted')
      else ready.push(listed.deletedAt !== undefined ? { ...item, deletedAt: listed.deletedAt } : item)
      continue
    }
    const active = await packages.getVersion(pkg, item.id)
    if (active) {
      if (item.digest !== undefined && active.digest !== item.digest) mismatch(item, active, 'the present')
      else {
        settled.push({
          versionId: item.id,
          digest: item.digest,
          outcome: 'already-present',
          reason: item.confirmed ? 'present again: restored already' : 'present: the delete did not happen'
        })
      }
      continue
    }
    settled.push({
      versionId: item.id,
      digest: item.digest,
      outcome: 'not-restored',
      reason:
        'GitHub lists it neither as present nor as deleted: deleted more than 30 days ago, or its digest was ' +
        'pushed again since'
    })
  }
  return { ready, settled, mismatches }
}

/**
 * The versions of a package deleted within `windowMs` before now, newest delete first (children were deleted
 * after their parents, so they come back first). GitHub lists deleted versions only on the org and
 * authenticated-user endpoints.
 */
export async function deletedWithin(
  pkg: PackageRef,
  windowMs: number,
  packages: PackagesApi,
  now = Date.now()
): Promise<RestoreItem[]> {
  const since = now - Math.min(windowMs, RESTORE_WINDOW_MS)
  const found: PackageVersion[] = []
  for await (const page of packages.listVersions(pkg, 'deleted')) {
    for (const v of page) {
      if (v.deletedAt === undefined) {
        throw new Error(
          `GitHub did not say when version ${v.id} of ${pkg.owner}/${pkg.name} was deleted (deleted_at), so ` +
            'restore-within cannot select by time; restore from the journal of the run instead'
        )
      }
      if (v.deletedAt >= since) found.push(v)
    }
  }
  // Within one second: untagged versions (children, attestations) before tagged roots, then by id for a
  // stable order.
  found.sort(
    (a, b) =>
      b.deletedAt! - a.deletedAt! || Number(a.tags.length > 0) - Number(b.tags.length > 0) || a.id - b.id
  )
  // Without the graph, restore strictly in that order: each item waits for the one before it.
  return found.map((v, i) => ({
    id: v.id,
    digest: v.digest,
    deletedAt: v.deletedAt,
    ...(i + 1 < found.length ? { after: [found[i + 1].id] } : {})
  }))
}

/** Journal entries for a restore run. */
export function journalRestores(result: RestoreResult): JournalRestore[] {
  return [
    ...result.restored.map(id => ({ id, outcome: 'restored' as const })),
    ...result.notRestored.map(n => ({
      id: n.versionId,
      ...(n.digest ? { digest: n.digest } : {}),
      outcome: 'not-restored' as const,
      reason: n.reason
    })),
    ...result.remaining.map(id => ({ id, outcome: 'not-attempted' as const, reason: result.stoppedReason }))
  ]
}
