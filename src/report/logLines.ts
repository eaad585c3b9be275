import type { Decision } from '../planner/Decision.js'
import type { Outcome, Totals, VersionOutcome } from './outcome.js'
import { logText } from '../log/logText.js'

/**
 * One log line per decision, in the shape the snok #90 thread converged on, with keys that never change so
 * logs can be grepped and cut apart:
 *
 *   line  = lead " " ref " package_version=" id " media_type=" short " associated_tag=" tags
 *           " platform=" platform " role=" role " rule=" rule " digest=" digest
 *           [" parent=" digest] [" untag=" tags] [" untag_failed=" tags] [" status=" http] [" error=" quoted]
 *   lead  = "dry-run: would keep" | "dry-run: would delete" | "dry-run: would defer" | "dry-run: would hold back"
 *         | "kept" | "deleted" | "already gone" | "delete refused" | "delete failed" | "deferred" | "held back"
 *   ref   = package ":" ( tag *( "," tag ) | "<untagged>" )        (the version's own tags)
 *   tags  = tag *( "," tag ) | "<none>"
 *
 * The seven keys from `package_version` to `digest` are on every line, in this order; an unknown value is
 * `<none>` rather than a missing key, so `awk`/`cut` see the same columns on every line. The optional keys
 * follow only when they apply. Digests are printed in full so a digest copied from `docker manifest inspect`
 * greps. A value with a space, quote or `=` is JSON-quoted (only `error=` in practice: tags, digests, media
 * types, platforms and rule ids are single tokens). docs/log-format.md is the user-facing copy of this.
 * Tags, names, digests and messages are data: each passes logText, so none breaks the line or issues a
 * workflow command (`::error::`, `##[stop-commands]`).
 */
export interface LineOptions {
  readonly dryRun: boolean
  /**
   * What happened to a planned delete; ignored for keeps except `blocked` (a delete the cap turned into a
   * keep). Unset in a real run = never attempted (`deferred`).
   */
  readonly executed?: Exclude<Outcome, 'kept'>
  readonly status?: number
  readonly error?: string
  readonly untagFailed?: readonly string[]
}

const REAL_LEAD: Record<Outcome, string> = {
  kept: 'kept',
  deleted: 'deleted',
  gone: 'already gone',
  refused: 'delete refused',
  failed: 'delete failed',
  remaining: 'deferred',
  blocked: 'held back'
}

const DRY_LEAD: Record<Outcome, string> = {
  kept: 'dry-run: would keep',
  deleted: 'dry-run: would delete',
  gone: 'dry-run: already gone',
  refused: 'dry-run: delete refused',
  failed: 'dry-run: delete failed',
  remaining: 'dry-run: would defer',
  blocked: 'dry-run: would hold back'
}

export function leadFor(outcome: Outcome, dryRun: boolean): string {
  return (dryRun ? DRY_LEAD : REAL_LEAD)[outcome]
}

export const NONE = '<none>'
export const UNTAGGED = '<untagged>'

/** `logfmt`-style value: bare when it is one token, JSON-quoted otherwise; either way safe for the log. */
export function logValue(value: string | undefined): string {
  if (value === undefined || value === '') return NONE
  return logText(/^[^\s"=]+$/.test(value) ? value : JSON.stringify(value))
}

function tagList(tags: readonly string[] | undefined): string {
  return tags && tags.length > 0 ? logValue(tags.join(',')) : NONE
}

export function versionRef(pkgName: string, tags: readonly string[]): string {
  return `${logText(pkgName)}:${tags.length > 0 ? logText(tags.join(',')) : UNTAGGED}`
}

export function outcomeOf(decision: Decision, opts: LineOptions): Outcome {
  // The cap turns a planned delete into a keep (rule max-deletions): it is held back, not kept.
  if (opts.executed === 'blocked') return 'blocked'
  if (decision.action === 'keep') return 'kept'
  return opts.executed ?? (opts.dryRun ? 'deleted' : 'remaining')
}

export function formatDecisionLine(pkgName: string, decision: Decision, opts: LineOptions): string {
  const outcome = outcomeOf(decision, opts)
  const parts = [
    leadFor(outcome, opts.dryRun),
    versionRef(pkgName, decision.tags),
    `package_version=${decision.versionId}`,
    `media_type=${logValue(decision.mediaType)}`,
    `associated_tag=${tagList(decision.associatedTags)}`,
    `platform=${logValue(decision.platform)}`,
    `role=${logValue(decision.role)}`,
    `rule=${logValue(decision.rule)}`,
    `digest=${logValue(decision.digest)}`
  ]
  if (decision.parent) parts.push(`parent=${logValue(decision.parent)}`)
  if (decision.untagTags && decision.untagTags.length > 0) parts.push(`untag=${tagList(decision.untagTags)}`)
  if (opts.untagFailed && opts.untagFailed.length > 0) parts.push(`untag_failed=${tagList(opts.untagFailed)}`)
  if (outcome !== 'kept') {
    if (opts.status !== undefined) parts.push(`status=${opts.status}`)
    if (opts.error) parts.push(`error=${logText(JSON.stringify(oneLine(opts.error)))}`)
  }
  return parts.join(' ')
}

/** The debug line carrying the reason; it shares `package_version=` with the decision line so both grep. */
export function formatReasonLine(decision: Decision): string {
  return `reason package_version=${decision.versionId}: ${logText(oneLine(decision.reason))}`
}

/** A log line must stay one line whatever a server put in an error message. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

export function lineOptionsFor(vo: VersionOutcome | undefined, dryRun: boolean): LineOptions {
  if (!vo) return { dryRun }
  return {
    dryRun,
    executed: vo.outcome === 'kept' ? undefined : vo.outcome,
    status: vo.status,
    error: vo.error,
    untagFailed: vo.untagFailed
  }
}

/** The per-package tally printed after the groups, e.g. `totals app: versions=12 kept=9 deleted=3 …`. */
export function formatTotalsLine(pkgName: string, t: Totals, dryRun: boolean): string {
  return (
    `${dryRun ? 'dry-run: ' : ''}totals ${logText(pkgName)}: versions=${t.versions} kept=${t.kept} deleted=${t.deleted} ` +
    `already_gone=${t.gone} refused=${t.refused} failed=${t.failed} deferred=${t.remaining} held_back=${t.blocked}`
  )
}
