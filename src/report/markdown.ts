/** Small helpers for the summary's text; data is escaped by src/report/escape.ts. */

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…'
}

/** `sha256:` and the first 12 hex digits, as docker and the GitHub UI abbreviate digests. */
export function shortDigest(digest: string): string {
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(digest)
  return m ? `sha256:${m[2]}` : truncate(digest, 19)
}

const NUMBER = new Intl.NumberFormat('en-US')

export function num(n: number): string {
  return NUMBER.format(n)
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${num(n)} ${n === 1 ? one : many}`
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${bytes} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${s % 60}s`
  return `${Math.floor(m / 60)}h ${m % 60}m`
}

/** Full digests inside prose (reasons, messages) shortened like `shortDigest`, for tables people scan. */
export function shortenDigests(text: string): string {
  return text.replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, 'sha256:$1')
}

/** A cosign or referrers-fallback tag (`sha256-<64 hex>[.sig|.att|.sbom]`) shortened for display. */
export function displayTag(tag: string): string {
  return tag.replace(/^sha256-([0-9a-f]{12})[0-9a-f]{52}/, 'sha256-$1…')
}
