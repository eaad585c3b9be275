/**
 * GitHub Packages REST endpoints for containers, for the three owner scopes GitHub has
 * (https://docs.github.com/en/rest/packages/packages): `/orgs/{org}/…`, `/users/{username}/…` and the
 * authenticated user's `/user/…`.
 */
import { emptyResponse, jsonResponse, type SimResponse } from '../http.js'
import type { SimPackage, SimVersion } from '../simPackage.js'
import type { SimOwner } from '../state.js'
import { atLeast, hasScope, packageAccess } from '../tokens.js'
import { DOCS, ghError, notAccessibleByIntegration, notFound, packageNotFound } from './errors.js'
import { linkHeader, pageParams } from './pagination.js'
import type { RestContext } from './restContext.js'
import { packageJson, packageVersionJson } from './shapes.js'

export type OwnerScope = 'orgs' | 'users' | 'user'

/** Deleted packages and versions can be restored within 30 days (https://docs.github.com/en/packages/learn-github-packages/deleting-and-restoring-a-package). */
const RESTORE_WINDOW_MS = 30 * 24 * 3_600_000
/** "you cannot delete a public package or package version if … more than 5,000 downloads" (same page). */
const DOWNLOAD_LIMIT = 5_000

const PACKAGE_TYPES = new Set(['npm', 'maven', 'rubygems', 'docker', 'nuget', 'container'])
const SCOPE_TEMPLATE: Record<OwnerScope, string> = {
  orgs: 'orgs/{org}',
  users: 'users/{username}',
  user: 'user'
}
const DOC_SUFFIX: Record<OwnerScope, string> = {
  orgs: 'for-an-organization',
  users: 'for-a-user',
  user: 'for-the-authenticated-user'
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** `rest` = path segments after `packages` (still percent-encoded). Undefined = no such route. */
export function packagesRoute(
  ctx: RestContext,
  scope: OwnerScope,
  ownerSegment: string | undefined,
  rest: readonly string[]
): SimResponse | undefined {
  const op = matchRoute(ctx, scope, rest)
  if (!op) return undefined
  // The owner is resolved after the route matched so unknown routes stay plain 404s.
  const owner = resolveOwner(ctx, scope, ownerSegment)
  if (!owner || 'status' in owner) return owner ?? notFound()
  return op(owner)
}

type Operation = (owner: SimOwner) => SimResponse

/** Finds the operation for `rest` (segments after `packages`) and names the route for the counters. */
function matchRoute(ctx: RestContext, scope: OwnerScope, rest: readonly string[]): Operation | undefined {
  const { req } = ctx
  const m = req.method
  const tpl = `/${SCOPE_TEMPLATE[scope]}/packages`
  const doc = (op: string): string => `${DOCS.packages}#${op}-${DOC_SUFFIX[scope]}`
  if (rest.length === 0) {
    if (m !== 'GET') return undefined
    req.route = `GET ${tpl}`
    return owner => listPackages(ctx, owner, doc('list-packages'))
  }
  if (rest.length < 2 || rest.length > 5) return undefined
  const [type, rawName, a, rawId, b] = rest
  const name = decode(rawName)
  const id = rawId !== undefined && /^\d+$/.test(rawId) ? Number(rawId) : undefined
  const base = `${tpl}/{package_type}/{package_name}`
  const vbase = `${base}/versions/{package_version_id}`
  const withPackage = (
    route: string,
    need: 'read' | 'delete' | 'restore',
    docOp: string,
    f: (pkg: SimPackage, d: string) => SimResponse
  ): Operation => {
    req.route = route
    return owner => {
      const d = doc(docOp)
      if (!PACKAGE_TYPES.has(type) || name === undefined) return packageNotFound(d)
      const pkg = type === 'container' ? ctx.state.packageOf(owner.login, name) : undefined
      return guard(ctx, owner, pkg, need, d) ?? f(pkg!, d)
    }
  }
  const shape = `${m} ${rest.length} ${a ?? ''} ${b ?? ''}`
  switch (shape) {
    case 'GET 2  ':
      return withPackage(`GET ${base}`, 'read', 'get-a-package', pkg => getPackage(ctx, pkg))
    case 'DELETE 2  ':
      return withPackage(`DELETE ${base}`, 'delete', 'delete-a-package', (pkg, d) =>
        deletePackage(ctx, pkg, d)
      )
    case 'POST 3 restore ':
      return withPackage(`POST ${base}/restore`, 'restore', 'restore-a-package', pkg =>
        restorePackage(ctx, pkg)
      )
    case 'GET 3 versions ':
      return withPackage(`GET ${base}/versions`, 'read', 'list-package-versions', pkg =>
        listVersions(ctx, pkg)
      )
  }
  if (a !== 'versions' || id === undefined) return undefined
  switch (shape) {
    case 'GET 4 versions ':
      return withPackage(`GET ${vbase}`, 'read', 'get-a-package-version', pkg => getVersion(ctx, pkg, id))
    case 'DELETE 4 versions ':
      return withPackage(`DELETE ${vbase}`, 'delete', 'delete-package-version', (pkg, d) =>
        deleteVersion(ctx, pkg, id, d)
      )
    case 'POST 5 versions restore':
      return withPackage(`POST ${vbase}/restore`, 'restore', 'restore-package-version', pkg =>
        restoreVersion(ctx, pkg, id)
      )
  }
  return undefined
}

function resolveOwner(
  ctx: RestContext,
  scope: OwnerScope,
  segment: string | undefined
): SimOwner | SimResponse | undefined {
  if (scope === 'user') {
    // The authenticated user's namespace needs a login: an installation token has none
    // (https://docs.github.com/en/rest/packages/packages#list-packages-for-the-authenticated-users-namespace).
    if (ctx.token?.kind !== 'pat') return notAccessibleByIntegration(`${DOCS.packages}`)
    return ctx.state.owner(ctx.token.login!) ?? ctx.state.addOwner(ctx.token.login!, 'User')
  }
  const login = segment === undefined ? undefined : decode(segment)
  const owner = login === undefined ? undefined : ctx.state.owner(login)
  // `/orgs/` serves organizations only and `/users/` users only: the other kind is a 404, which is why a
  // client must look the owner's type up first (GET /users/{username} → `type`).
  if (!owner || owner.type !== (scope === 'orgs' ? 'Organization' : 'User')) return undefined
  return owner
}

/** Scope and role checks shared by every package route; undefined when the request may proceed. */
function guard(
  ctx: RestContext,
  owner: SimOwner,
  pkg: SimPackage | undefined,
  need: 'read' | 'delete' | 'restore',
  doc: string
): SimResponse | undefined {
  const token = ctx.token!
  // Classic PAT scopes: read:packages to read, + delete:packages to delete, write:packages to restore
  // (https://docs.github.com/en/rest/packages/packages, "OAuth app tokens and personal access tokens (classic)
  // need the … scope"). Wording of GitHub's refusal approximated.
  const scope = need === 'read' ? 'read:packages' : need === 'delete' ? 'delete:packages' : 'write:packages'
  for (const s of need === 'read' ? [scope] : ['read:packages', scope]) {
    if (!hasScope(token, s)) return ghError(403, `You need at least ${s} scope to do this.`, doc)
  }
  const restoring = need === 'restore'
  if (!pkg || (pkg.deletedAt !== undefined && !restoring)) return packageNotFound(doc)
  const role = packageAccess(token, owner, pkg)
  if (role === 'none') return packageNotFound(doc)
  if (need !== 'read' && !atLeast(role, 'admin')) {
    // Container packages need admin on the package to delete or restore; a GITHUB_TOKEN gets it only from
    // "Manage Actions access" (https://docs.github.com/en/packages/learn-github-packages/deleting-and-restoring-a-package#packages-api-support).
    return token.kind === 'installation'
      ? ghError(403, 'Resource not accessible by integration', doc)
      : ghError(403, 'Must have admin rights to Package.', doc)
  }
  return undefined
}

function listPackages(ctx: RestContext, owner: SimOwner, doc: string): SimResponse {
  const { req, token } = ctx
  // A GITHUB_TOKEN cannot list packages: GitHub answers 400 "Invalid argument." (cli/cli#9606; snok
  // container-retention-policy README "temporal tokens").
  if (token!.kind === 'installation') return ghError(400, 'Invalid argument.', doc)
  if (!hasScope(token!, 'read:packages'))
    return ghError(403, 'You need at least read:packages scope to do this.', doc)
  const type = req.query.get('package_type')
  if (type === null || !PACKAGE_TYPES.has(type)) return ghError(400, 'Invalid argument.', doc)
  const p = pageParams(req.query)
  // Declared response of the list-packages operations: page * per_page may not exceed 10,000.
  if (p.page * p.perPage > 10_000) {
    return ghError(400, 'The value of `per_page` multiplied by `page` cannot be greater than 10000.', doc)
  }
  const visibility = req.query.get('visibility')
  const wanted = visibility === 'internal' ? 'private' : visibility
  const all =
    type !== 'container'
      ? []
      : ctx.state
          .packagesOf(owner.login)
          .filter(
            pkg => packageAccess(token, owner, pkg) !== 'none' && (!wanted || pkg.visibility === wanted)
          )
  const page = all
    .slice(p.skip, p.skip + p.perPage)
    .map(pkg => packageJson(ctx.api, pkg, linkedRepo(ctx, pkg)))
  const link = linkHeader(ctx.api, req.rawPath, req.query, p, all.length)
  return jsonResponse(200, page, link ? { link } : {})
}

function linkedRepo(ctx: RestContext, pkg: SimPackage) {
  if (!pkg.repository) return undefined
  const [o, r] = pkg.repository.split('/')
  return ctx.state.repo(o, r) ?? ctx.state.addRepo(o, r)
}

function getPackage(ctx: RestContext, pkg: SimPackage): SimResponse {
  return jsonResponse(200, packageJson(ctx.api, pkg, linkedRepo(ctx, pkg)))
}

function deletePackage(ctx: RestContext, pkg: SimPackage, doc: string): SimResponse {
  if (pkg.visibility === 'public' && pkg.versions('active').some(v => v.downloads > DOWNLOAD_LIMIT)) {
    // Observed wording (sigstore/cosign#3984).
    return ghError(
      400,
      'Publicly visible packages with a version with more than 5000 downloads cannot be deleted. Contact GitHub support for further assistance.',
      doc
    )
  }
  pkg.deletedAt = ctx.now
  return emptyResponse(204)
}

function restorePackage(ctx: RestContext, pkg: SimPackage): SimResponse {
  if (pkg.deletedAt === undefined || ctx.now - pkg.deletedAt > RESTORE_WINDOW_MS) return packageNotFound()
  pkg.deletedAt = undefined
  return emptyResponse(204)
}

function listVersions(ctx: RestContext, pkg: SimPackage): SimResponse {
  const { req } = ctx
  // `state` (active | deleted) is declared for the org and authenticated-user variants; the /users/ variant
  // declares no query parameters at all, yet clients send them — honoured everywhere here.
  const state = req.query.get('state') ?? 'active'
  if (state !== 'active' && state !== 'deleted') return ghError(400, 'Invalid argument.')
  const p = pageParams(req.query)
  const total = state === 'active' ? pkg.activeCount : pkg.deletedCount
  const rows = pkg.page(state, p.skip, p.perPage).map(v => packageVersionJson(ctx.api, pkg, v))
  const link = linkHeader(ctx.api, req.rawPath, req.query, p, total)
  return jsonResponse(200, rows, link ? { link } : {})
}

function activeVersion(pkg: SimPackage, id: number): SimVersion | undefined {
  const v = pkg.byId.get(id)
  return v?.state === 'active' ? v : undefined
}

function getVersion(ctx: RestContext, pkg: SimPackage, id: number): SimResponse {
  const v = activeVersion(pkg, id)
  return v ? jsonResponse(200, packageVersionJson(ctx.api, pkg, v)) : notFound()
}

function deleteVersion(ctx: RestContext, pkg: SimPackage, id: number, doc: string): SimResponse {
  const v = activeVersion(pkg, id)
  if (!v) return notFound(doc)
  if (pkg.visibility === 'public' && v.downloads > DOWNLOAD_LIMIT) {
    // GitHub's observed answer is a 400 with this text (chizkiyahu/delete-untagged-ghcr-action#40).
    return ghError(
      400,
      'Publicly visible package versions with more than 5000 downloads cannot be deleted. Contact GitHub support for further assistance.',
      doc
    )
  }
  if (v.tags.length > 0 && pkg.taggedActiveCount === 1) {
    // Observed 400 (actions/delete-package-versions, SmartsquareGmbH/delete-old-packages#33; newer wording).
    return ghError(
      400,
      'You cannot delete the last tagged version of a package. You must delete the package instead.',
      doc
    )
  }
  pkg.deleteVersion(v, ctx.now)
  ctx.req.versionChange = { kind: 'deleted', pkg, version: v }
  return emptyResponse(204)
}

function restoreVersion(ctx: RestContext, pkg: SimPackage, id: number): SimResponse {
  const v = pkg.deletedAt === undefined ? pkg.byId.get(id) : undefined
  // Restorable: deleted within 30 days and the digest not pushed again as a new version meanwhile.
  if (!v || v.state !== 'deleted' || v.superseded || ctx.now - (v.deletedAt ?? 0) > RESTORE_WINDOW_MS) {
    return notFound()
  }
  pkg.restoreVersion(v)
  ctx.req.versionChange = { kind: 'restored', pkg, version: v }
  return emptyResponse(204)
}
