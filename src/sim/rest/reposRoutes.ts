/**
 * Pull requests and branches of a repository — just enough for "delete the images of closed pull requests /
 * deleted branches": https://docs.github.com/en/rest/pulls/pulls and https://docs.github.com/en/rest/branches/branches.
 */
import { jsonResponse, type SimResponse } from '../http.js'
import type { SimPull } from '../repos.js'
import { DOCS, ghError, notFound } from './errors.js'
import { linkHeader, pageParams } from './pagination.js'
import type { RestContext } from './restContext.js'
import { branchJson, branchShortJson, pullJson } from './shapes.js'

/** `rest` = segments after `/repos/` (percent-encoded). Undefined = no such route. */
export function reposRoute(ctx: RestContext, rest: readonly string[]): SimResponse | undefined {
  const { req } = ctx
  if (req.method !== 'GET' || rest.length < 3) return undefined
  const [ownerSeg, repoSeg, kind, ...tail] = rest
  let decoded: string[]
  try {
    decoded = [ownerSeg, repoSeg, ...tail].map(decodeURIComponent)
  } catch {
    return notFound()
  }
  const [owner, name, ...more] = decoded
  if (kind === 'pulls' && more.length === 0) {
    req.route = 'GET /repos/{owner}/{repo}/pulls'
    return withRepo(owner, name, () => listPulls(ctx, owner, name))
  }
  if (kind === 'pulls' && more.length === 1 && /^\d+$/.test(more[0])) {
    req.route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}'
    return withRepo(owner, name, () => getPull(ctx, owner, name, Number(more[0])))
  }
  if (kind === 'branches' && more.length === 0) {
    req.route = 'GET /repos/{owner}/{repo}/branches'
    return withRepo(owner, name, () => listBranches(ctx, owner, name))
  }
  if (kind === 'branches' && more.length >= 1) {
    // Branch names may contain `/`; GitHub takes the rest of the path, encoded (%2F) or not.
    req.route = 'GET /repos/{owner}/{repo}/branches/{branch}'
    return withRepo(owner, name, () => getBranch(ctx, owner, name, more.join('/')))
  }
  return undefined

  function withRepo(owner: string, name: string, f: () => SimResponse): SimResponse {
    return ctx.state.repo(owner, name) ? f() : notFound(`${DOCS.pulls}`)
  }
}

function listPulls(ctx: RestContext, owner: string, name: string): SimResponse {
  const { req } = ctx
  const repo = ctx.state.repo(owner, name)!
  const state = req.query.get('state') ?? 'open'
  if (!['open', 'closed', 'all'].includes(state))
    return ghError(422, 'Validation Failed', `${DOCS.pulls}#list-pull-requests`)
  const head = req.query.get('head')
  const base = req.query.get('base')
  const sort = req.query.get('sort') === 'updated' ? 'updated' : 'created'
  const ascending = req.query.get('direction') === 'asc'
  const key = (p: SimPull): number => (sort === 'updated' ? p.updatedAt : p.createdAt)
  const rows = repo.pulls
    .filter(p => state === 'all' || p.state === state)
    // `head` is `user:ref-name` (or `organization:ref-name`).
    .filter(p => !head || `${repo.owner}:${p.headRef}`.toLowerCase() === head.toLowerCase())
    .filter(p => !base || p.baseRef === base)
    .sort((a, b) =>
      ascending ? key(a) - key(b) || a.number - b.number : key(b) - key(a) || b.number - a.number
    )
  const p = pageParams(req.query)
  const owner_ = ctx.state.owner(repo.owner)
  const page = rows.slice(p.skip, p.skip + p.perPage).map(pr => pullJson(ctx.api, repo, owner_, pr, false))
  const link = linkHeader(ctx.api, req.rawPath, req.query, p, rows.length)
  return jsonResponse(200, page, link ? { link } : {})
}

function getPull(ctx: RestContext, owner: string, name: string, number: number): SimResponse {
  const repo = ctx.state.repo(owner, name)!
  const pr = repo.pull(number)
  if (!pr) return notFound(`${DOCS.pulls}#get-a-pull-request`)
  return jsonResponse(200, pullJson(ctx.api, repo, ctx.state.owner(repo.owner), pr, true))
}

function listBranches(ctx: RestContext, owner: string, name: string): SimResponse {
  const { req } = ctx
  const repo = ctx.state.repo(owner, name)!
  const protectedOnly = req.query.get('protected')
  const rows = [...repo.branches.values()]
    .filter(b => protectedOnly === null || b.protected === (protectedOnly === 'true'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const p = pageParams(req.query)
  const page = rows.slice(p.skip, p.skip + p.perPage).map(b => branchShortJson(ctx.api, repo, b))
  const link = linkHeader(ctx.api, req.rawPath, req.query, p, rows.length)
  return jsonResponse(200, page, link ? { link } : {})
}

function getBranch(ctx: RestContext, owner: string, name: string, branch: string): SimResponse {
  const repo = ctx.state.repo(owner, name)!
  const b = repo.branches.get(branch)
  if (!b) return ghError(404, 'Branch not found', `${DOCS.branches}#get-a-branch`)
  return jsonResponse(200, branchJson(ctx.api, repo, b))
}
