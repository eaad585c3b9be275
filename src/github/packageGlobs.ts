import { compileGlob, type CompiledGlob } from '../patterns/glob.js'

/**
 * Package-name patterns: globs where `*` stays within a `/`-separated segment and `**` crosses them
 * (`app/*` matches `app/web`, not `app/web/debug`), matched on RE2 in time linear in the name
 * (src/patterns/glob.ts). Matching ignores case: GHCR package names are lower case. The settings layer has
 * already refused a glob that does not compile (src/settings/inputs.ts).
 */
export class PackageGlobs {
  private readonly matchers: readonly CompiledGlob[]
  /** Patterns without glob syntax: exact names, which can be fetched one by one instead of listing. */
  readonly literals: readonly string[]
  readonly hasPatterns: boolean

  constructor(readonly globs: readonly string[]) {
    this.matchers = globs.map(glob => compileGlob(glob, { paths: true, nocase: true }))
    this.literals = this.matchers.filter(m => m.literal !== undefined).map(m => m.literal!)
    this.hasPatterns = this.literals.length < globs.length
  }

  matches(name: string): boolean {
    return this.matchers.some(m => m.matches(name))
  }
}
