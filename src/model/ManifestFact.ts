import type { Manifest } from './Manifest.js'

/** What the fetcher learned about one digest. Absent from the map = not fetched (not needed). */
export type ManifestFact =
  | { readonly ok: true; readonly manifest: Manifest }
  | {
      readonly ok: false
      readonly reason: string
      /**
       * Optional: the Content-Type the registry answered with when a body arrived but could not be used. A
       * non-index manifest type tells the planner the version cannot reference other versions, so one
       * unreadable leaf does not hold back the whole package.
       */
      readonly mediaType?: string
      /**
       * Optional: the registry answered 404 MANIFEST_UNKNOWN for the digest. The manifest no longer exists,
       * so nothing can be pulled through it; the version itself is still kept.
       */
      readonly notFound?: boolean
    }
