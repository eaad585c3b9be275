import type { ActionInputName } from '../model/actionInputs.js'
import { DIGEST_RE } from '../model/PackageVersion.js'
import { parseDuration } from './Duration.js'
import { DEFAULT_POLICY, type AgeBy, type MaxDeletions, type Policy } from './Policy.js'
import { PolicyError } from './PolicyError.js'
import { compileTagPatterns, splitPatternList } from './TagMatcher.js'
import { repoAwarePolicy } from './repoAwarePolicy.js'
import { compileGroupBy } from './GroupRules.js'
import { parseKeepSemver } from './SemverRules.js'

/**
 * Any input action.yml declares (src/model/actionInputs.ts is generated from it). Which of them make up the
 * policy is not listed anywhere: it is what readPolicy reads.
 */
export type PolicyInputName = ActionInputName

/**
 * Raw inputs exactly as `core.getInput` returns them: trimmed strings, '' (or absent) when unset.
 *
 * | input | unset means |
 * |---|---|
 * | keep-tags | no tag is kept by pattern |
 * | delete-tags | every tag is a candidate (`*`), but a bare config (no delete-tags, keep-n-tagged or older-than) deletes no tagged image |
 * | keep-n-tagged | no count limit |
 * | older-than | no age limit for tagged roots (untagged versions never use it) |
 * | age-by | `updated` |
 * | delete-untagged | `true` |
 * | untagged-grace | `7d` |
 * | keep-n-untagged | no count limit for untagged orphans |
 * | keep-digests | none |
 * | delete-ghost-indexes / delete-partial-indexes | `false` |
 * | max-deletions | no cap |
 * | keep-semver | no release is kept by version (`majors, minors=3, patches=1`: SemverRules.ts) |
 * | keep-semver-prereleases | `false`: prereleases are ignored by keep-semver |
 * | group-by | keep-n-tagged counts all candidates together |
 * | delete-dangling | `false`: signatures, attestations and referrers whose subject is gone are kept |
 * | untag | `false` |
 * | pr-tag / branch-tag | no pull request or branch rule |
 * | pr-grace | `0` (images of a closed pull request go at the next sweep) |
 * | keep-daily / -weekly / -monthly / -yearly | no time buckets |
 * | build-cache-tags | `buildcache, buildcache-*, cache, cache-*, *-cache` |
 * | keep-n-build-cache | every build cache is kept |
 */
export type RawPolicyInputs = Readonly<Partial<Record<PolicyInputName, string>>>

export interface CompilePolicyOptions {
  /** Digests found pinned in repository files (already validated by whoever found them). */
  readonly pinnedDigests?: readonly string[]
}

/**
 * Turns raw inputs into a Policy, or throws PolicyError naming the first bad input. Pure: no I/O, so the
 * settings layer can call it before any request is made.
 */
export function compilePolicy(raw: RawPolicyInputs, options: CompilePolicyOptions = {}): Policy {
  return readPolicy(name => raw[name] ?? '', options)
}

/** compilePolicy over a reader: the settings layer passes its own, so the inputs read are the ones asked for. */
export function readPolicy(
  read: (name: ActionInputName) => string,
  options: CompilePolicyOptions = {}
): Policy {
  const get = (name: ActionInputName): string => read(name).trim()

  const keepSources = splitPatternList(get('keep-tags'))
  const deleteSources = splitPatternList(get('delete-tags'))
  const keepTags = compileTagPatterns(keepSources, 'keep-tags')
  const deleteTags = compileTagPatterns(deleteSources, 'delete-tags')
  const keepSet = new Set(keepSources)
  for (const p of deleteSources) {
    if (keepSet.has(p)) {
      throw new PolicyError(
        'delete-tags',
        p,
        `The same pattern is in keep-tags, and keep wins, so it would delete nothing. Remove it from one of the two inputs.`
      )
    }
  }

  const olderThan = get('older-than')
  const grace = get('untagged-grace')
  const pinned = options.pinnedDigests ?? []

  return {
    keepTags,
    deleteTags,
    deleteTagsExplicit: deleteTags.length > 0,
    keepNTagged: parseCount('keep-n-tagged', get('keep-n-tagged')),
    olderThanMs: olderThan === '' ? undefined : parseDuration('older-than', olderThan),
    ageBy: parseAgeBy(get('age-by')),
    deleteUntagged: parseBoolean('delete-untagged', get('delete-untagged'), DEFAULT_POLICY.deleteUntagged),
    untaggedGraceMs: grace === '' ? DEFAULT_POLICY.untaggedGraceMs : parseDuration('untagged-grace', grace),
    keepNUntagged: parseCount('keep-n-untagged', get('keep-n-untagged')),
    keepDigests: parseDigests('keep-digests', get('keep-digests')),
    pinnedDigests: [...new Set(pinned)],
    deleteGhostIndexes: parseBoolean('delete-ghost-indexes', get('delete-ghost-indexes'), false),
    deletePartialIndexes: parseBoolean('delete-partial-indexes', get('delete-partial-indexes'), false),
    maxDeletions: parseMaxDeletions(get('max-deletions')),
    keepSemver: parseKeepSemver(
      get('keep-semver'),
      parseBoolean('keep-semver-prereleases', get('keep-semver-prereleases'), false)
    ),
    groupBy: compileGroupBy(get('group-by'), get('keep-n-tagged') !== ''),
    deleteDangling: parseBoolean('delete-dangling', get('delete-dangling'), false),
    untag: parseBoolean('untag', get('untag'), false),
    ...repoAwarePolicy(get)
  }
}

function parseCount(input: ActionInputName, value: string): number | undefined {
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    const why = /^-\s*\d/.test(value) ? 'A count cannot be negative. ' : ''
    throw new PolicyError(
      input,
      value,
      `${why}Expected a whole number of versions, 0 or more, such as \`10\`.`
    )
  }
  return Number(value)
}

function parseAgeBy(value: string): AgeBy {
  if (value === '' || value === 'updated' || value === 'updated_at') return 'updated'
  if (value === 'created' || value === 'created_at') return 'created'
  throw new PolicyError('age-by', value, 'Expected `updated` (default) or `created`.')
}

function parseBoolean(input: ActionInputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  // The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them.
  if (value === 'true' || value === 'True' || value === 'TRUE') return true
  if (value === 'false' || value === 'False' || value === 'FALSE') return false
  throw new PolicyError(input, value, 'Expected `true` or `false`.')
}

function parseDigests(input: ActionInputName, value: string): string[] {
  const out: string[] = []
  for (const item of value.split(/[\s,]+/)) {
    if (item === '') continue
    if (!DIGEST_RE.test(item)) {
      throw new PolicyError(
        input,
        item,
        'Expected digests written `sha256:` and 64 lowercase hex digits, comma- or newline-separated.'
      )
    }
    out.push(item)
  }
  return [...new Set(out)]
}

function parseMaxDeletions(value: string): MaxDeletions | undefined {
  if (value === '') return undefined
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value)
  if (percent) {
    const p = Number(percent[1])
    if (p > 100)
      throw new PolicyError(
        'max-deletions',
        value,
        'A share cannot exceed 100%. Expected a count such as `500` or a share such as `20%`.'
      )
    return { kind: 'percent', value: p }
  }
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value)))
    return { kind: 'count', value: Number(value) }
  const why = value.startsWith('-') ? 'The cap cannot be negative. ' : ''
  throw new PolicyError(
    'max-deletions',
    value,
    `${why}Expected a count such as \`500\` or a share of the package's versions such as \`20%\`.`
  )
}
