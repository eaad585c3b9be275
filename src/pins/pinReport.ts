import type { Decision } from '../planner/Decision.js'
import type { PinCollection } from './collectPins.js'
import { CHECKOUT_HINT, referencesFor } from './collectPins.js'
import type { PinnedReference } from './PinnedReference.js'
import { logText } from '../log/logText.js'
import { markdownCode, markdownText } from '../report/escape.js'

export type PinStatus = 'kept' | 'deleted' | 'absent' | 'not-selected'

/** What became of one pinned reference this run. */
export interface PinOutcome {
  readonly ref: PinnedReference
  readonly status: PinStatus
  readonly versionId?: number
  /** The deciding rule (`pinned`, or another keep rule that got there first, e.g. `keep-tags`). */
  readonly rule?: string
}

/** Where a reference was written, the way a reader finds it: `deploy/k8s/app.yaml:12`. */
export function location(ref: PinnedReference): string {
  return `${ref.file}:${ref.line}`
}

function short(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12)
}

/**
 * Matches this package's pins with its decisions. A pin whose digest is not a version of the package is a
 * reference that already fails to pull (`manifest unknown`): worth a warning on the file and line.
 */
export function pinOutcomes(
  pins: PinCollection,
  packageName: string,
  decisions: readonly Decision[]
): PinOutcome[] {
  const refs = referencesFor(pins, packageName)
  if (refs.length === 0) return []
  const byDigest = new Map(decisions.map(d => [d.digest, d]))
  return refs.map(ref => {
    const d = byDigest.get(ref.digest)
    if (!d) return { ref, status: 'absent' }
    return { ref, status: d.action === 'keep' ? 'kept' : 'deleted', versionId: d.versionId, rule: d.rule }
  })
}

/** Pins to packages of the owner that `packages` did not select: listed so nobody thinks they were checked. */
export function unselectedPins(pins: PinCollection, selected: readonly string[]): PinOutcome[] {
  const names = new Set(selected.map(n => n.toLowerCase()))
  return pins.references.filter(r => !names.has(r.packageName)).map(ref => ({ ref, status: 'not-selected' }))
}

export interface PinLogSink {
  info(message: string): void
  warning(message: string, properties?: { title?: string; file?: string; startLine?: number }): void
}

/**
 * One log line per pin; a pin that no longer resolves is a warning annotated on its file and line. File names
 * come from the checkout and may hold anything, line breaks and `::` included: every value passes logText.
 */
export function logPinOutcomes(packageName: string, outcomes: readonly PinOutcome[], sink: PinLogSink): void {
  for (const o of outcomes) {
    const where = logText(location(o.ref))
    const what = `${logText(packageName)}@${logText(short(o.ref.digest))}`
    switch (o.status) {
      case 'kept':
        sink.info(
          `pinned: kept ${what} (package_version=${o.versionId}) — pinned in ${where}` +
            (o.rule && o.rule !== 'pinned' ? ` (also kept by ${logText(o.rule)})` : '')
        )
        break
      case 'deleted':
        // The planner keeps pinned digests; reaching this means a contract broke, so say it loudly.
        sink.warning(
          `pinned: ${what} pinned in ${where} is planned for deletion (rule ${logText(o.rule ?? '')})`,
          {
            title: 'Pinned digest planned for deletion'
          }
        )
        break
      case 'absent':
        sink.warning(
          `${where} pins ${logText(o.ref.reference)}, which is not a version of ${logText(packageName)}: ` +
            'pulling it fails with ' +
            '"manifest unknown". Update the reference to a digest that exists.',
          { title: 'Pinned digest not found', file: o.ref.file, startLine: o.ref.line }
        )
        break
      case 'not-selected':
        break
    }
  }
}

const STATUS_TEXT: Record<PinStatus, string> = {
  kept: 'kept',
  deleted: '**planned for deletion**',
  absent: '⚠️ not in the package (pull fails)',
  'not-selected': 'package not selected this run'
}

const MAX_ROWS = 200

/** The step summary section: which file protected what. */
export function renderPinsSummary(pins: PinCollection, outcomes: readonly PinOutcome[]): string {
  if (!pins.enabled) return ''
  const lines = ['### Pinned digests', '']
  if (pins.nothingScanned) {
    lines.push(
      `> [!WARNING]`,
      `> Nothing was scanned (${markdownText(pins.nothingScanned)}), so pinned digests are not protected: ${markdownText(CHECKOUT_HINT)}.`,
      ''
    )
  }
  const scanned = pins.local?.filesScanned ?? 0
  lines.push(
    `${scanned} file(s) scanned in the checkout` +
      (pins.remoteFiles > 0 ? `, ${pins.remoteFiles} in other repositories` : '') +
      `; ${pins.references.length} digest reference(s) to packages of ${markdownText(pins.owner)}.`,
    ''
  )
  if (outcomes.length === 0) return lines.join('\n') + '\n'
  lines.push('| File | Reference | Package | Version | Decision |', '|---|---|---|---|---|')
  for (const o of outcomes.slice(0, MAX_ROWS)) {
    const rule = o.status === 'kept' && o.rule && o.rule !== 'pinned' ? ` (${markdownText(o.rule)})` : ''
    lines.push(
      `| ${markdownCode(location(o.ref))} | ${markdownCode(o.ref.reference)} | ${markdownText(o.ref.packageName)} | ` +
        `${o.versionId ?? '—'} | ${STATUS_TEXT[o.status]}${rule} |`
    )
  }
  if (outcomes.length > MAX_ROWS) lines.push('', `…and ${outcomes.length - MAX_ROWS} more (see the log).`)
  return lines.join('\n') + '\n'
}
