import { Minimatch } from 'minimatch'

/**
 * Package-name patterns: minimatch globs where `*` stays within a `/`-separated segment and `**` crosses them
 * (`app/*` matches `app/web`, not `app/web/debug`). Matching ignores case: GHCR package names are lower case.
 */
export class PackageGlobs {
  private readonly matchers: readonly Minimatch[]
  /** Patterns without glob syntax: exact names, which can be fetched one by one instead of listing. */
  readonly literals: readonly string[]
  readonly hasPatterns: boolean

  constructor(readonly globs: readonly string[]) {
    this.matchers = globs.map(glob => new Minimatch(glob, { dot: true, nocase: true }))
    const literal = globs.filter(glob => !new Minimatch(glob, { dot: true, magicalBraces: true }).hasMagic())
    this.literals = literal
    this.hasPatterns = literal.length < globs.length
  }

  matches(name: string): boolean {
    return this.matchers.some(m => m.match(name))
  }
}
