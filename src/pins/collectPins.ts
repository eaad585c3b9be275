import { existsSync, statSync } from 'node:fs'
import type { Logger } from '../log/Logger.js'
import { DEFAULT_PIN_GLOBS } from './defaultGlobs.js'
import type { PinnedReference } from './PinnedReference.js'
import type { PinSettings } from './pinSettings.js'
import { scanPins, type PinScan } from './scanPins.js'
import { scanRepositories, type RepoFileReader } from './scanRepositories.js'

/** What the scan found, for the whole run: every reference, and which of them name the owner's packages. */
export interface PinCollection {
  /** False when `protect-pinned` is off and no repository is listed. */
  readonly enabled: boolean
  readonly owner: string
  /** The checkout scan, when one ran. */
  readonly local?: PinScan
  /** Files read in other repositories. */
  readonly remoteFiles: number
  /** References to packages of `owner`, in file order. */
  readonly references: readonly PinnedReference[]
  /** Why nothing could be scanned in the checkout, when that happened (also logged as a warning). */
  readonly nothingScanned?: string
}

export interface CollectPinsOptions {
  readonly pins: PinSettings
  readonly owner: string
  readonly env: NodeJS.ProcessEnv
  readonly logger: Logger
  /** Reads other repositories (protect-pinned-repositories); required when any is listed. */
  readonly reader?: RepoFileReader
}

/** What to do about a scan that found no file, in the words the warning and the summary both use. */
export const CHECKOUT_HINT = 'add actions/checkout before this step, or set protect-pinned: false'

/**
 * Scans the checkout (GITHUB_WORKSPACE) for digest-pinned references to the owner's packages. No checkout is
 * not an error — the run goes on — but it is loud: a run that scanned nothing protects nothing pinned.
 */
export async function collectPins(options: CollectPinsOptions): Promise<PinCollection> {
  const { pins, owner, env, logger } = options
  const ownerLc = owner.toLowerCase()
  let remote: { files: number; references: readonly PinnedReference[] } = { files: 0, references: [] }
  if (pins.repositories.length > 0) {
    if (!options.reader) throw new Error('protect-pinned-repositories: no GitHub client to read them with')
    // With the checkout scan off, other repositories are still read at the usual places.
    const globs = pins.globs.length > 0 ? pins.globs : DEFAULT_PIN_GLOBS
    remote = await scanRepositories(pins.repositories, options.reader, { globs, hosts: pins.hosts, logger })
  }
  if (pins.globs.length === 0) {
    logger.debug('protect-pinned: false; the checkout is not scanned for pinned digests')
    return {
      enabled: pins.repositories.length > 0,
      owner,
      remoteFiles: remote.files,
      references: remote.references.filter(r => r.owner === ownerLc)
    }
  }

  const root = env.GITHUB_WORKSPACE
  let local: PinScan | undefined
  let nothingScanned: string | undefined
  if (!root || !existsSync(root) || !statSync(root).isDirectory()) {
    nothingScanned = root ? `the workspace ${root} does not exist` : 'GITHUB_WORKSPACE is not set'
  } else {
    local = await scanPins({ root, globs: pins.globs, hosts: pins.hosts })
    if (local.filesScanned === 0) {
      nothingScanned = `no file in ${root} matches protect-pinned`
    }
  }
  if (nothingScanned) {
    // One line that says what to do: the usual cause is a workflow without a checkout step.
    logger.warning(`protect-pinned scanned nothing (${nothingScanned}): ${CHECKOUT_HINT}.`)
  }
  if (local) {
    if (local.tooLarge.length > 0) {
      logger.warning(
        `protect-pinned: ${local.tooLarge.length} file(s) over 1 MiB were not scanned: ` +
          `${local.tooLarge.slice(0, 5).join(', ')}${local.tooLarge.length > 5 ? ', …' : ''}`
      )
    }
    if (local.truncated) {
      logger.warning(
        `protect-pinned: the scan of ${root} stopped at its limit (20,000 files or 500,000 entries); ` +
          'narrow protect-pinned to the directories that hold deployment files'
      )
    }
  }

  const all = [...(local?.references ?? []), ...remote.references]
  const references = all.filter(r => r.owner === ownerLc)
  const others = all.length - references.length
  if (local && local.filesScanned > 0) {
    logger.info(
      `protect-pinned: ${local.filesScanned} file(s) scanned in ${root}` +
        (remote.files > 0 ? ` and ${remote.files} in other repositories` : '') +
        `; ${references.length} digest reference(s) to packages of ${owner}` +
        (others > 0 ? ` (${others} to other owners, ignored)` : '')
    )
  }
  return {
    enabled: true,
    owner,
    ...(local ? { local } : {}),
    remoteFiles: remote.files,
    references,
    ...(nothingScanned ? { nothingScanned } : {})
  }
}

/** The references that pin a version of this package (owner and name compare case-insensitively). */
export function referencesFor(pins: PinCollection, packageName: string): PinnedReference[] {
  const name = packageName.toLowerCase()
  return pins.references.filter(r => r.packageName === name)
}

/** Digests pinned for this package, for `Policy.pinnedDigests`. */
export function pinnedDigestsFor(pins: PinCollection, packageName: string): string[] {
  return [...new Set(referencesFor(pins, packageName).map(r => r.digest))]
}
