// The three tools docs/migration.md maps from, modelled from their documentation as small selection functions over
// one shared fixture package. Each rule quotes the sentence it is written from; where the README is silent, the
// fact comes from reading their source (shared/research/anchor-*.md) and says so. Written to learn their
// semantics, not copied from their code.
import { parseDuration } from '../../src/planner/Duration.js'
import type { Manifest } from '../../src/model/Manifest.js'
import { DAY, NOW, PackageBuilder, dg, hex } from '../planner/packageBuilder.js'

export type PeerConfig = Readonly<Record<string, string>>

/** What a peer does to the package: versions it deletes and tags it removes from versions it keeps. */
export interface PeerResult {
  readonly deleted: ReadonlySet<string>
  readonly untagged: ReadonlyMap<string, readonly string[]>
}

interface Version {
  readonly name: string
  readonly digest: string
  readonly id: number
  readonly tags: readonly string[]
  readonly createdAt: number
  readonly updatedAt: number
  readonly manifest?: Manifest
}

/**
 * The shared fixture (ages in days before NOW): single-platform releases, a multi-tagged release, pull-request
 * and branch images, two multi-platform indexes with platform images and a BuildKit attestation, cosign
 * signatures (one whose image is gone), an OCI referrer, untagged orphans of several ages, two untagged indexes
 * (one pushed recently over old platform images), a ghost and a partial index, and one image re-tagged recently
 * (created 300 days ago, updated 5 days ago).
 */
export function buildFixture(): PackageBuilder {
  const b = new PackageBuilder()
  b.image('v1.0.0', { tags: ['v1.0.0'], age: 400 })
  b.image('v0.9.0', { tags: ['v0.9.0'], age: 300, updated: 5 })
  b.image('v1.1.0', { tags: ['v1.1.0'], age: 200 })
  b.cosign('v1.1.0.sig', 'v1.1.0', 'sig', { age: 200 })
  b.image('nightly/amd64', { age: 100 })
  b.image('nightly/arm64', { age: 100 })
  b.index(
    'nightly',
    [
      { name: 'nightly/amd64', platform: 'linux/amd64' },
      { name: 'nightly/arm64', platform: 'linux/arm64' }
    ],
    { tags: ['nightly-2026-08'], age: 100 }
  )
  b.image('v3.0.0/amd64', { age: 90 })
  b.image('v3.0.0/arm64', { age: 90 })
  b.image('v3.0.0/att', { age: 90 })
  b.index(
    'v3.0.0',
    [
      { name: 'v3.0.0/amd64', platform: 'linux/amd64' },
      { name: 'v3.0.0/arm64', platform: 'linux/arm64' },
      { name: 'v3.0.0/att', attests: 'v3.0.0/amd64' }
    ],
    { tags: ['v3.0.0'], age: 90 }
  )
  b.cosign('v3.0.0.sig', 'v3.0.0', 'sig', { age: 90 })
  b.image('pr-1', { tags: ['pr-1'], age: 60 })
  b.image('orphan-60', { age: 60 })
  b.cosign('gone.sig', 'gone', 'sig', { age: 50 })
  b.index('ghost', ['ghost/amd64', 'ghost/arm64'], { tags: ['ghost-1'], age: 50 })
  b.image('partial/amd64', { age: 50 })
  b.index('partial', [{ name: 'partial/amd64', platform: 'linux/amd64' }, 'partial/arm64'], {
    tags: ['partial-1'],
    age: 50
  })
  b.image('staging', { tags: ['pr-5', 'staging'], age: 45 })
  b.image('uindex-40/amd64', { age: 40 })
  b.index('uindex-40', [{ name: 'uindex-40/amd64', platform: 'linux/amd64' }], { age: 40 })
  b.image('dev', { tags: ['dev'], age: 40 })
  b.image('v2.0.0', { tags: ['v2.0.0'], age: 30 })
  b.image('v2.0.0.sbom', { age: 30, subject: 'v2.0.0', artifactType: 'application/spdx+json' })
  b.image('uindex-2/amd64', { age: 30 })
  b.index('uindex-2', [{ name: 'uindex-2/amd64', platform: 'linux/amd64' }], { age: 2 })
  b.image('v2.1.0-rc.1', { tags: ['v2.1.0-rc.1'], age: 25 })
  b.image('pr-2', { tags: ['pr-2'], age: 20 })
  b.image('orphan-10', { age: 10 })
  b.image('orphan-3', { age: 3 })
  b.image('pr-3', { tags: ['pr-3'], age: 2 })
  b.image('v2.1.0', { tags: ['v2.1.0', 'latest'], age: 1 })
  return b
}

function versionsOf(b: PackageBuilder): Version[] {
  const names = new Map(b.names().map(n => [dg(n), n]))
  return b.versions.map(v => ({
    name: names.get(v.digest)!,
    digest: v.digest,
    id: v.id,
    tags: v.tags,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    manifest: b.truth.get(v.digest)
  }))
}

const list = (value: string | undefined): string[] => (value ?? '').split(/[\s,]+/).filter(s => s !== '')
const childrenOf = (v: Version): string[] =>
  v.manifest?.kind === 'index' ? v.manifest.manifests.map(d => d.digest) : []
/** `sha256-<hex>.sig|.att|.sbom`: the cosign tag schema, naming the digest it belongs to. */
const cosignSubject = (tag: string): string | undefined => {
  const m = /^sha256-([0-9a-f]{64})(?:\.[a-z]+)?$/.exec(tag)
  return m ? `sha256:${m[1]}` : undefined
}
const newestFirst = (ts: (v: Version) => number) => (a: Version, b: Version) => ts(b) - ts(a) || b.id - a.id
/** `*` and `?` wildcards, whole string. */
const wildcard = (pattern: string): RegExp =>
  new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$'
  )
const done = (deleted: Iterable<Version>, untagged = new Map<string, string[]>()): PeerResult => ({
  deleted: new Set([...deleted].map(v => v.name)),
  untagged
})

/** snok/container-retention-policy v3.1.0 (README of v3.1.0; anchor-snok.md §2 for what the README leaves out). */
export function snok(b: PackageBuilder, cfg: PeerConfig): PeerResult {
  const versions = versionsOf(b)
  // "Specifies how old package versions need to be before being considered for deletion." (cut-off; humantime
  // syntax, parsed here with ours: the values the cases use, `2w`, read the same in both.)
  const cutOff = parseDuration('cut-off', cfg['cut-off'])
  // "Whether we should use the `created_at` or `updated_at` timestamp when filtering based on the `cut-off`
  // parameter. Also impacts the selection of the keep-n-most-recent feature" (default updated_at).
  const ts = (v: Version) => (cfg['timestamp-to-use'] === 'created_at' ? v.createdAt : v.updatedAt)
  // "Optionally lets you select only tagged or untagged images. Both are selected by default."
  const selection = cfg['tag-selection'] ?? 'both'
  // image-tags: "Works the same way as the `image-names` parameter": "`*` functions as a wildcard and `!` means
  // to not select image names matching the remaining expression". From the source: a version is selected only
  // when every tag matches a positive pattern and none a negative one; untagged versions bypass image-tags.
  const filters = list(cfg['image-tags'])
  const negative = filters.filter(f => f.startsWith('!')).map(f => wildcard(f.slice(1)))
  const positive = filters.filter(f => !f.startsWith('!')).map(wildcard)
  // skip-shas: "Optionally protects specific package versions by their digest."
  const skip = new Set(list(cfg['skip-shas']))

  const tagged: Version[] = []
  const untagged: Version[] = []
  for (const v of versions) {
    if (skip.has(v.digest) || !(ts(v) < NOW - cutOff)) continue
    if (v.tags.length === 0) {
      if (selection !== 'tagged') untagged.push(v)
      continue
    }
    if (selection === 'untagged') continue
    if (v.tags.some(t => negative.some(re => re.test(t)))) continue
    if (positive.length > 0 && !v.tags.every(t => positive.some(re => re.test(t)))) continue
    tagged.push(v)
  }
  // keep-n-most-recent: "How many images to keep, out of the most recent tagged images selected, per package. If
  // there are 10 tagged package versions selected, after filtering on names, tags, and cut-off, and there's a
  // keep-n-most-recent count of 3 set, then we will retain the 3 most recently created package versions and
  // delete 7." "This parameter will not prevent deletion of untagged images".
  tagged.sort(newestFirst(ts))
  const taggedCandidates = tagged.slice(Number(cfg['keep-n-most-recent'] ?? '0'))
  // "the action fetches the OCI manifest of every kept tagged version via the GHCR registry API. If a manifest is
  // a multi-arch image index, all of its child digests are removed from the deletion candidates." (one level)
  const goingTagged = new Set(taggedCandidates)
  const protectedDigests = new Set(
    versions.filter(v => v.tags.length > 0 && !goingTagged.has(v)).flatMap(childrenOf)
  )
  return done([...taggedCandidates, ...untagged].filter(v => !protectedDigests.has(v.digest)))
}

/** dataaxiom/ghcr-cleanup-action v1 (README "Inputs", "Option details" and "Cleanup algorithm"). */
export function dataaxiom(b: PackageBuilder, cfg: PeerConfig): PeerResult {
  const versions = versionsOf(b)
  const byDigest = new Map(versions.map(v => [v.digest, v]))
  const regex = cfg['use-regex'] === 'true'
  // "Tag and package patterns use wildcard-match syntax (`?`, `*`, `**`) by default. Set `use-regex: true` to use
  // regular expressions instead." (comma-separated lists; a regex searches the tag, as JavaScript's test does)
  const matcher = (value: string | undefined): ((tag: string) => boolean) => {
    const patterns = (value ?? '')
      .split(',')
      .map(s => s.trim())
      .filter(s => s !== '')
      .map(p => (regex ? new RegExp(p) : wildcard(p)))
    return tag => patterns.some(re => re.test(tag))
  }
  const deleteTags = cfg['delete-tags'] ?? cfg['tags']
  const isDeleteTag = matcher(deleteTags)
  const isExcluded = matcher(cfg['exclude-tags'])
  const keepNTagged = cfg['keep-n-tagged'] === undefined ? undefined : Number(cfg['keep-n-tagged'])
  const keepNUntagged = cfg['keep-n-untagged'] === undefined ? undefined : Number(cfg['keep-n-untagged'])
  const flag = (name: string) => cfg[name] === 'true'
  // "When no delete or keep options are set, `delete-untagged` defaults to `true`."
  const anyRule =
    deleteTags !== undefined ||
    keepNTagged !== undefined ||
    keepNUntagged !== undefined ||
    flag('delete-ghost-images') ||
    flag('delete-partial-images') ||
    flag('delete-orphaned-images')
  const deleteUntagged = cfg['delete-untagged'] === undefined ? !anyRule : flag('delete-untagged')

  // "1. Load every package version and its manifest into a working set. 2. Remove child images (multi-arch
  // platform layers, referrers, cosign)."
  const listed = new Set(versions.flatMap(childrenOf))
  const isChild = (v: Version) =>
    listed.has(v.digest) ||
    v.manifest?.subject !== undefined ||
    v.tags.some(t => cosignSubject(t) !== undefined)
  let work = versions.filter(v => !isChild(v))
  // "3. Remove `exclude-tags` matches." ("Tags listed here are excluded from every other rule.")
  work = work.filter(v => !v.tags.some(isExcluded))
  // "4. Remove anything younger than `older-than`." ("Restricts every delete and keep rule to images older than
  // the given interval.")
  if (cfg['older-than'] !== undefined) {
    const ms = parseDuration('older-than', cfg['older-than'])
    work = work.filter(v => v.updatedAt < NOW - ms)
  }
  const byNewest = newestFirst(v => v.updatedAt)
  const tagged = work.filter(v => v.tags.length > 0).sort(byNewest)
  const untaggedImages = work.filter(v => v.tags.length === 0).sort(byNewest)

  const staged = new Set<Version>()
  const untag = new Map<string, string[]>()
  // "5. Stage matches of `delete-tags`, `delete-ghost-images`, `delete-partial-images`, and
  // `delete-orphaned-images` for deletion." delete-tags: "If a tag points to an image that also has other tags,
  // the action unlinks the tag without deleting the underlying image". keep-n-tagged: "combine with
  // `delete-tags` to restrict it to a subset".
  if (deleteTags !== undefined) {
    const matched = tagged.filter(v => v.tags.some(isDeleteTag)).slice(keepNTagged ?? 0)
    for (const v of matched) {
      const tags = v.tags.filter(isDeleteTag)
      if (tags.length === v.tags.length) staged.add(v)
      else untag.set(v.name, tags)
    }
  } else if (keepNTagged !== undefined) {
    // "Sorts tagged images by date and keeps the newest _N_. By default it operates on all tagged images"
    for (const v of tagged.slice(keepNTagged)) staged.add(v)
  }
  const present = (digest: string) => byDigest.has(digest)
  for (const v of work.filter(x => x.manifest?.kind === 'index' && x.tags.length > 0)) {
    const children = childrenOf(v)
    const missing = children.filter(d => !present(d)).length
    // "Delete multi-arch images whose platform children are all missing." / "... partially missing."
    if (flag('delete-ghost-images') && missing === children.length && missing > 0) staged.add(v)
    if (flag('delete-partial-images') && missing > 0 && missing < children.length) staged.add(v)
  }
  // "Finds tagged images named `sha256-…` whose corresponding `sha256:` digest no longer exists, and deletes them."
  if (flag('delete-orphaned-images')) {
    for (const v of versions) {
      const subjects = v.tags.map(cosignSubject).filter((d): d is string => d !== undefined)
      if (subjects.length > 0 && !subjects.some(present)) staged.add(v)
    }
  }
  // "6. Apply `keep-n-tagged` and `keep-n-untagged` (or `delete-untagged`), staging the remainder": keep-n-untagged
  // "Sorts untagged images by date and keeps the newest _N_"; delete-untagged "Deletes every untagged image".
  if (keepNUntagged !== undefined) for (const v of untaggedImages.slice(keepNUntagged)) staged.add(v)
  else if (deleteUntagged) for (const v of untaggedImages) staged.add(v)

  // "7. Delete staged versions, including their children." ("Deleting a multi-architecture image also deletes
  // its child platform images automatically"; from the source: a child another kept index lists stays, and the
  // cosign `sha256-<hex>.*` versions and `subject` referrers of a deleted image go with it.)
  const deleted = new Set<Version>()
  const cascade = (v: Version): void => {
    if (deleted.has(v)) return
    deleted.add(v)
    for (const d of childrenOf(v)) {
      const child = byDigest.get(d)
      const otherParent = versions.some(p => p !== v && !deleted.has(p) && childrenOf(p).includes(d))
      if (child && !otherParent) cascade(child)
    }
    for (const r of versions) {
      if (r.tags.some(t => cosignSubject(t) === v.digest) || r.manifest?.subject?.digest === v.digest)
        cascade(r)
    }
  }
  for (const v of staged) cascade(v)
  return done(deleted, untag)
}

/** actions/delete-package-versions v5 (README "Usage" and action.yml descriptions). */
export function deletePackageVersions(b: PackageBuilder, cfg: PeerConfig): PeerResult {
  // Versions are the package's versions as the Packages API lists them: every platform image, attestation and
  // signature is one, and for a container "version name" is the digest (packages-api-facts.md: `name` is the
  // manifest digest). From the source: sorted oldest first by created_at.
  const versions = versionsOf(b).sort((x, y) => x.createdAt - y.createdAt || x.id - y.id)
  const onlyUntagged = cfg['delete-only-untagged-versions'] === 'true'
  const preRelease = cfg['delete-only-pre-release-versions'] === 'true'
  // min-versions-to-keep: "When set to 0, all deletable versions will be deleted. When set greater than 0, all
  // deletable package versions except the specified number will be deleted." (default -1: not set)
  let min = Number(cfg['min-versions-to-keep'] ?? '-1')
  // "When `min-versions-to-keep` is 0, all untagged versions get deleted." / "... all pre-release versions get
  // deleted."
  if (onlyUntagged || preRelease) min = Math.max(min, 0)
  // ignore-versions: "Regex pattern for package versions to ignore." delete-only-pre-release-versions: "If true it
  // will delete only the pre-release versions" — a release is a plain dotted version number (the regex in their
  // source); a digest never is one, so for containers every version counts as a pre-release.
  const ignore = preRelease ? /^(0|[1-9]\d*)((\.(0|[1-9]\d*))*)$/ : new RegExp(cfg['ignore-versions'] ?? '^$')
  let deletable = versions.filter(v => !ignore.test(v.digest))
  // "If true it will delete only the untagged versions in case of container package."
  if (onlyUntagged) deletable = deletable.filter(v => v.tags.length === 0)
  // num-old-versions-to-delete: "The number of old versions to delete starting from the oldest version. Defaults
  // to 1." "This action will only delete a maximum of 100 versions in one run."
  const count =
    min < 0
      ? Math.min(deletable.length, Number(cfg['num-old-versions-to-delete'] ?? '1'), 100)
      : Math.min(deletable.length - min, 100)
  return done(deletable.slice(0, Math.max(0, count)))
}

export { DAY, NOW, hex, dg }
