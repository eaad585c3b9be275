/** https://docs.github.com/en/rest/users/users — who a token is, and whether an owner is a User or an Organization. */
import { jsonResponse, type SimResponse } from '../http.js'
import { DOCS, ghError, notFound } from './errors.js'
import type { RestContext } from './restContext.js'
import { privateUser, publicUser } from './shapes.js'

/** Accounts have no history in the simulator; a fixed creation date keeps bodies stable. */
const ACCOUNT_CREATED = Date.UTC(2020, 0, 1)

/** GET /user: the login behind a PAT. An installation token has no user → 403, as GITHUB_TOKEN gets. */
export function getAuthenticatedUser(ctx: RestContext): SimResponse {
  ctx.req.route = 'GET /user'
  const doc = `${DOCS.users}#get-the-authenticated-user`
  if (ctx.token?.kind !== 'pat') return ghError(403, 'Resource not accessible by integration', doc)
  const owner = ctx.state.owner(ctx.token.login!) ?? ctx.state.addOwner(ctx.token.login!, 'User')
  return jsonResponse(200, privateUser(ctx.api, owner, ACCOUNT_CREATED))
}

/** GET /users/{username}: public profile; `type` is "User" or "Organization". */
export function getUser(ctx: RestContext, segment: string): SimResponse {
  ctx.req.route = 'GET /users/{username}'
  let login: string
  try {
    login = decodeURIComponent(segment)
  } catch {
    return notFound(`${DOCS.users}#get-a-user`)
  }
  const owner = ctx.state.owner(login)
  return owner
    ? jsonResponse(200, publicUser(ctx.api, owner, ACCOUNT_CREATED))
    : notFound(`${DOCS.users}#get-a-user`)
}
