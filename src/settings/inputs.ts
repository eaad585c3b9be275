import { Minimatch } from 'minimatch'
import { readCacheSettings } from '../cache/cacheSettings.js'
import { readPinSettings } from '../pins/pinSettings.js'
import { compilePolicy } from '../planner/compilePolicy.js'
import { parseDuration } from '../planner/Duration.js'
import { defaultRegistryUrl } from '../registry/registryUrl.js'
import { InputError } from './InputError.js'
import type { Mode, Settings } from './Settings.js'
import { defaultJournalFile } from '../execute/artifact.js'

/** Reads one input as the runner passes it (`core.getInput` semantics: trimmed, '' when unset). */
export type ReadInput = (name: string) => string

const POLICY_INPUTS = [
  'keep-tags',
  'delete-tags',
  'keep-n-tagged',
  'older-than',
  'age-by',
  'delete-untagged',
  'untagged-grace',
  'keep-n-untagged',
  'keep-digests',
  'delete-ghost-indexes',
  'delete-partial-indexes',
  'max-deletions',
  'pr-tag',
  'pr-grace',
  'branch-tag',
  'keep-daily',
  'keep-weekly',
  'keep-monthly',
  'keep-yearly',
  'build-cache-tags',
  'keep-n-build-cache',
  'keep-semver',
  'keep-semver-prereleases',
  'group-by',
  'delete-dangling',
  'untag'
] as const

const MAX_RESTORE_WINDOW_MS = 30 * 24 * 3600 * 1000

/** `owner/repo` for pr-tag and branch-tag lookups; undefined when neither the input nor GITHUB_REPOSITORY names one. */
function parseRepository(value: string): { owner: string; repo: string } | undefined {
  if (value === '') return undefined
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value)
  if (!m) throw new InputError('repository', value, 'a repository written `owner/name`, such as `acme/app`')
  return { owner: m[1], repo: m[2] }
}

/** Splits a list input on newlines and commas; blank entries and surrounding spaces are dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s.length > 0)
}

export function parseBool(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  // The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them.
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, value, '`true` or `false`')
}

export function parsePositiveInt(input: string, value: string, { min = 1, max = 1_000_000 } = {}): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(input, value, `a whole number from ${min} to ${max}`)
  }
  return Number(value)
}

function parseUrl(input: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(input, value, 'an absolute URL with its scheme, such as `https://api.github.com`')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(input, value, 'an http:// or https:// URL')
  }
  return value.replace(/\/+$/, '')
}

// GitHub logins: alphanumerics and single hyphens, at most 39 characters.
const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/

/**
 * Reads, validates and normalises every input. Throws InputError (or PolicyError) naming the first bad input;
 * it makes no request, so a bad configuration fails before anything is touched.
 */
export function readSettings(read: ReadInput, env: NodeJS.ProcessEnv): Settings {
  const token = read('token')
  if (!token) {
    throw new InputError(
      'token',
      '',
      'a token: the default `${{ github.token }}`, or a classic PAT with read:packages and delete:packages'
    )
  }

  const repository = env.GITHUB_REPOSITORY ?? ''
  const owner = read('owner') || env.GITHUB_REPOSITORY_OWNER || repository.split('/')[0] || ''
  if (!OWNER_RE.test(owner)) {
    throw new InputError(
      'owner',
      owner,
      'a GitHub user or organisation name (letters, digits and single hyphens)'
    )
  }

  const packagesRaw = read('packages') || repository.split('/')[1] || ''
  const packages = splitList(packagesRaw)
  if (packages.length === 0) {
    throw new InputError(
      'packages',
      packagesRaw,
      'one or more package names or globs, such as `app` or `app/*`'
    )
  }
  for (const p of packages) {
    const mm = new Minimatch(p)
    // minimatch compiles nearly anything; an empty set or a pattern of only separators selects nothing useful.
    if (p.startsWith('/') || p.endsWith('/') || mm.set.length === 0 || /\s/.test(p)) {
      throw new InputError('packages', p, 'a package name or glob without spaces or leading/trailing `/`')
    }
  }

  const modeRaw = read('mode') || 'prune'
  if (!['prune', 'validate', 'restore', 'list'].includes(modeRaw)) {
    throw new InputError('mode', modeRaw, '`prune`, `validate`, `restore` or `list`')
  }
  const mode = modeRaw as Mode

  const apiUrl = parseUrl('api-url', read('api-url') || env.GITHUB_API_URL || 'https://api.github.com')
  const registryUrlRaw = read('registry-url')
  // GITHUB_SERVER_URL names the host only when the API is the runner's own (not an explicit other api-url).
  const sameServer = !env.GITHUB_API_URL || env.GITHUB_API_URL.replace(/\/+$/, '') === apiUrl
  const registryUrl = registryUrlRaw
    ? parseUrl('registry-url', registryUrlRaw)
    : defaultRegistryUrl(apiUrl, sameServer ? env.GITHUB_SERVER_URL : undefined)
  if (!registryUrl) {
    throw new InputError('registry-url', '', `the registry URL: it cannot be derived from api-url ${apiUrl}`)
  }

  // An optional cap: empty lets the action choose (8 registry reads at once today).
  const concurrencyRaw = read('max-concurrency') || '8'
  const concurrency = parsePositiveInt('max-concurrency', concurrencyRaw, { min: 1, max: 64 })

  const raw: Record<string, string> = {}
  for (const name of POLICY_INPUTS) raw[name] = read(name)
  // Policy inputs throw PolicyError, which names the input the same way InputError does.
  const policy = compilePolicy(raw)

  const budgetRaw = read('request-budget')
  const requestBudget = budgetRaw
    ? parsePositiveInt('request-budget', budgetRaw, { min: 1, max: 10_000_000 })
    : undefined

  // Unique per step and attempt by default, so two steps of the action in one job keep their own.
  const journalFile = read('journal-file') || defaultJournalFile(env)

  const restoreFrom = read('restore-from') || undefined
  const withinRaw = read('restore-within')
  let restoreWithinMs: number | undefined
  if (withinRaw) {
    restoreWithinMs = parseDuration('restore-within', withinRaw)
    if (restoreWithinMs > MAX_RESTORE_WINDOW_MS) {
      throw new InputError(
        'restore-within',
        withinRaw,
        'a window of at most 30 days (GitHub restores deletions for 30 days)'
      )
    }
  }
  if (mode === 'restore' && !restoreFrom && restoreWithinMs === undefined) {
    throw new InputError(
      'restore-from',
      '',
      'a journal path or artifact name (or set `restore-within`) when mode is `restore`'
    )
  }

  return {
    token,
    owner,
    packages,
    dryRun: parseBool('dry-run', read('dry-run'), false),
    mode,
    apiUrl,
    registryUrl,
    registryUsername: read('registry-username') || env.GITHUB_ACTOR || 'ghcr-retention',
    concurrency,
    policy,
    requestBudget,
    journalFile,
    uploadJournal: parseBool('upload-journal', read('upload-journal'), true),
    validateAfter: parseBool('validate-after-prune', read('validate-after-prune'), false),
    failOnBroken: parseBool('fail-on-broken', read('fail-on-broken'), true),
    restoreFrom,
    restoreWithinMs,
    pins: readPinSettings(read, registryUrl),
    cache: readCacheSettings(read('cache'), env),
    repository: parseRepository(read('repository') || env.GITHUB_REPOSITORY || ''),
    failOnNoop: parseBool('fail-on-noop', read('fail-on-noop'), false)
  }
}
