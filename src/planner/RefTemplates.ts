import { PolicyError } from './PolicyError.js'

/**
 * Tag templates that name a pull request (`pr-{number}`) or a branch (`{branch}`, `branch-{branch}-*`). The
 * rest of a template is a glob with `*` (any run of characters) and `?` (one character).
 */
export interface PrTagTemplate {
  readonly source: string
  /** The pull request number a tag names, or undefined when the tag is not of this form. */
  numberOf(tag: string): number | undefined
}

export interface BranchTagTemplate {
  readonly source: string
  /**
   * Every sanitised branch name the tag could have been built from (a template with a glob next to `{branch}`
   * can split a tag more than one way); empty when the tag is not of this form.
   */
  branchesOf(tag: string): string[]
}

const FORM_PR =
  'Expected a tag template with `{number}` exactly once, such as `pr-{number}` or `pr-{number}-*` (`*` and `?` are globs).'
const FORM_BRANCH =
  'Expected a tag template with `{branch}` exactly once, such as `branch-{branch}` or `{branch}-*` (`*` and `?` are globs).'

/**
 * docker/metadata-action turns a branch name into a tag by replacing every run of characters outside
 * `[a-zA-Z0-9._-]` with one `-` (case kept): `feature/login` → `feature-login`.
 */
export function sanitizeBranch(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]+/g, '-')
}

function globToRegex(glob: string): string {
  let out = ''
  for (const c of glob) {
    if (c === '*') out += '.*'
    else if (c === '?') out += '.'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return out
}

function splitTemplate(source: string, placeholder: string, input: string, form: string): [string, string] {
  const parts = source.split(placeholder)
  if (parts.length !== 2) throw new PolicyError(input, source, form)
  const bad = /[\s,[\]{}!/\\]/.exec(parts.join(''))
  if (bad) throw new PolicyError(input, source, `The character '${bad[0]}' cannot be part of a tag. ${form}`)
  return [parts[0], parts[1]]
}

/**
 * `{number}` matches a whole number without leading zeros, never part of a longer run of digits: with
 * `pr-{number}` the tag `pr-50` names pull request 50 and never 5, and `pr-{number}*` reads `pr-50` the same way.
 */
export function compilePrTag(source: string, input = 'pr-tag'): PrTagTemplate {
  const [before, after] = splitTemplate(source, '{number}', input, FORM_PR)
  const re = new RegExp(`^${globToRegex(before)}(?<!\\d)([1-9]\\d*)(?!\\d)${globToRegex(after)}$`, 's')
  return {
    source,
    numberOf(tag) {
      const m = re.exec(tag)
      if (!m) return undefined
      const n = Number(m[1])
      return Number.isSafeInteger(n) ? n : undefined
    }
  }
}

const RELEASE_TAG = /^(?:latest|v?\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.-]*)?)$/

export function compileBranchTag(source: string, input = 'branch-tag'): BranchTagTemplate {
  const [before, after] = splitTemplate(source, '{branch}', input, FORM_BRANCH)
  const head = new RegExp(`^${globToRegex(before)}$`, 's')
  const tail = new RegExp(`^${globToRegex(after)}$`, 's')
  const branchChars = /^[a-zA-Z0-9._-]+$/
  // A template with no literal text (`{branch}`, as metadata-action's type=ref,event=branch writes it) would
  // read every tag as a branch; release tags (`1.2.3`, `v2`, `latest`) are never taken for one.
  const bare = before.replace(/[*?]/g, '') === '' && after.replace(/[*?]/g, '') === ''
  return {
    source,
    branchesOf(tag) {
      const out: string[] = []
      if (bare && RELEASE_TAG.test(tag)) return out
      // Tags are at most 128 characters, so trying every split point stays cheap.
      const starts: number[] = []
      for (let i = 0; i <= tag.length; i++) if (head.test(tag.slice(0, i))) starts.push(i)
      if (starts.length === 0) return out
      const ends: number[] = []
      for (let j = 0; j <= tag.length; j++) if (tail.test(tag.slice(j))) ends.push(j)
      for (const i of starts) {
        for (const j of ends) {
          if (j <= i) continue
          const branch = tag.slice(i, j)
          if (branchChars.test(branch)) out.push(branch)
        }
      }
      return out
    }
  }
}
