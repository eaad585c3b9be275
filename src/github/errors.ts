import type { PackageRef } from '../model/PackageVersion.js'

/** What the client was doing, so an error can say it in the user's terms. */
export type Operation = 'list packages' | 'read' | 'list versions' | 'delete' | 'restore'

/** The kind of token as observed (never guessed from its text): could `GET /user` read its login? */
export type TokenKind = 'user' | 'installation'

const PAT_SCOPES: Record<Operation, string> = {
  'list packages': 'read:packages',
  read: 'read:packages',
  'list versions': 'read:packages',
  delete: 'read:packages and delete:packages',
  restore: 'read:packages and write:packages'
}

/** 403 that is not a rate limit: the token may not do this to this package. */
export class PermissionError extends Error {
  constructor(
    readonly operation: Operation,
    readonly target: string,
    readonly status: number,
    readonly serverMessage: string,
    readonly tokenKind: TokenKind
  ) {
    super(
      `GitHub refused to ${operation} ${target} (${status}: ${serverMessage}). ${needed(operation, tokenKind)}`
    )
    this.name = 'PermissionError'
  }
}

function needed(operation: Operation, kind: TokenKind): string {
  const writes = operation === 'delete' || operation === 'restore'
  if (kind === 'installation') {
    return writes
      ? 'With an installation token such as GITHUB_TOKEN the workflow needs `permissions: packages: write`, and ' +
          'the repository needs the Admin role on the package (package settings → Manage Actions access); ' +
          'a personal access token (classic) with ' +
          PAT_SCOPES[operation] +
          ' works too.'
      : 'With an installation token such as GITHUB_TOKEN the workflow needs `permissions: packages: read` and ' +
          'the repository needs access to the package (package settings → Manage Actions access); GITHUB_TOKEN ' +
          'cannot list all packages of an owner, so name packages exactly or use a personal access token (classic) ' +
          'with read:packages.'
  }
  return (
    `A personal access token (classic) needs ${PAT_SCOPES[operation]}` +
    (writes ? ', and its user needs the Admin role on the package.' : '.')
  )
}

/** 404 where a missing thing is not a normal outcome (an owner or package). */
export class NotFoundError extends Error {
  constructor(
    readonly target: string,
    hint: string
  ) {
    super(`${target} was not found. ${hint}`)
    this.name = 'NotFoundError'
  }
}

/** 401: the token itself was refused. */
export class AuthenticationError extends Error {
  constructor(serverMessage: string) {
    super(
      `GitHub rejected the token (401: ${serverMessage}). Check the \`token\` input: it may be expired, ` +
        'revoked, or meant for another GitHub host than `api-url`.'
    )
    this.name = 'AuthenticationError'
  }
}

/** The primary (hourly) rate limit is used up and its reset is further away than the client will wait. */
export class RateLimitError extends Error {
  constructor(
    readonly resetEpochSeconds: number | undefined,
    readonly limit: number | undefined
  ) {
    const when =
      resetEpochSeconds !== undefined
        ? ` It resets at ${new Date(resetEpochSeconds * 1000).toISOString()}.`
        : ''
    super(
      `The GitHub API rate limit of this token is used up${limit !== undefined ? ` (${limit} requests/hour)` : ''}.` +
        `${when} The rest of the work is left for the next run.`
    )
    this.name = 'RateLimitError'
  }
}

/**
 * The run's request budget refused to send a REST attempt (RequestBudget.admit). `retry` says whether an
 * earlier attempt of the same request was sent: a write's effect is then unknown.
 */
export class RequestBudgetError extends Error {
  constructor(
    reason: string,
    readonly retry: boolean
  ) {
    super(reason)
    this.name = 'RequestBudgetError'
  }
}

/** Any other REST failure, with the request named (never its headers). */
export class GitHubApiError extends Error {
  constructor(
    readonly operation: Operation,
    readonly target: string,
    readonly status: number,
    serverMessage: string
  ) {
    super(`Could not ${operation} ${target}: ${status ? `HTTP ${status}: ` : ''}${serverMessage}`)
    this.name = 'GitHubApiError'
  }
}

export function describePackage(pkg: PackageRef): string {
  return `container package ${pkg.owner}/${pkg.name}`
}
