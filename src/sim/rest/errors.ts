import { jsonResponse, type SimResponse } from '../http.js'

/** components.schemas.basic-error: `{message, documentation_url, status}` (status is a string on the wire). */
export function ghError(
  status: number,
  message: string,
  documentationUrl = 'https://docs.github.com/rest'
): SimResponse {
  return jsonResponse(status, { message, documentation_url: documentationUrl, status: String(status) })
}

export const notFound = (doc?: string): SimResponse => ghError(404, 'Not Found', doc)

/** What GitHub answers for a package the token may not see (or that does not exist). */
export const packageNotFound = (doc?: string): SimResponse => ghError(404, 'Package not found.', doc)

/** GITHUB_TOKEN / GitHub App token without the needed permission (e.g. dataaxiom/ghcr-cleanup-action#28). */
export const notAccessibleByIntegration = (doc?: string): SimResponse =>
  ghError(403, 'Resource not accessible by integration', doc)

export const DOCS = {
  packages: 'https://docs.github.com/rest/packages/packages',
  users: 'https://docs.github.com/rest/users/users',
  pulls: 'https://docs.github.com/rest/pulls/pulls',
  branches: 'https://docs.github.com/rest/branches/branches'
} as const
