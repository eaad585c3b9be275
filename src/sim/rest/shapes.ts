/**
 * JSON bodies in the shapes of GitHub's OpenAPI description (npm @octokit/openapi,
 * generated/api.github.com.json, components.schemas.*). __tests__/sim/schemas.test.ts validates every
 * builder here against those schemas, so a drift shows up as a failing test, not as a client surprise.
 */
import type { SimOwner } from '../state.js'
import type { SimPackage, SimVersion } from '../simPackage.js'
import type { SimBranch, SimPull, SimRepo } from '../repos.js'

/** Web host of html_url fields; never requested by clients, so it keeps GitHub's real host. */
export const WEB = 'https://github.com'

/** GitHub's timestamps have whole seconds: `2020-05-19T22:19:11Z`. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

const nodeId = (kind: string, id: number): string =>
  Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64')

/** components.schemas.simple-user */
export function simpleUser(api: string, login: string, id: number, type: string): Record<string, unknown> {
  const u = `${api}/users/${login}`
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: u,
    html_url: `${WEB}/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false
  }
}

export function ownerUser(api: string, owner: SimOwner): Record<string, unknown> {
  return simpleUser(api, owner.login, owner.id, owner.type)
}

/** components.schemas.public-user (GET /users/{username}; `type` tells User from Organization). */
export function publicUser(api: string, owner: SimOwner, createdAt: number): Record<string, unknown> {
  return {
    ...ownerUser(api, owner),
    name: owner.login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: iso(createdAt),
    updated_at: iso(createdAt)
  }
}

/** components.schemas.private-user (GET /user with a personal access token). */
export function privateUser(api: string, owner: SimOwner, createdAt: number): Record<string, unknown> {
  return {
    ...publicUser(api, owner, createdAt),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true
  }
}

/** `orgs/x` or `users/x`: GitHub builds package URLs from the owner's type, whatever route was used. */
export function ownerPath(owner: SimOwner): string {
  return `${owner.type === 'Organization' ? 'orgs' : 'users'}/${owner.login}`
}

export function packageUrl(api: string, pkg: SimPackage): string {
  return `${api}/${ownerPath(pkg.owner)}/packages/container/${encodeURIComponent(pkg.name)}`
}

/** components.schemas.package-version (e.g. GET /orgs/{org}/packages/{type}/{name}/versions). */
export function packageVersionJson(api: string, pkg: SimPackage, v: SimVersion): Record<string, unknown> {
  const web = `${WEB}/${ownerPath(pkg.owner)}/packages/container`
  const body: Record<string, unknown> = {
    id: v.id,
    name: v.digest,
    url: `${packageUrl(api, pkg)}/versions/${v.id}`,
    package_html_url: `${web}/package/${encodeURIComponent(pkg.name)}`,
    created_at: iso(v.createdAt),
    updated_at: iso(v.updatedAt),
    html_url: `${web}/${encodeURIComponent(pkg.name)}/${v.id}`,
    metadata: {
      package_type: 'container',
      // A deleted version lists the tags it had, so a restore tool can show what comes back.
      container: { tags: v.state === 'deleted' ? [...(v.tagsAtDeletion ?? [])] : [...v.tags] }
    }
  }
  if (v.deletedAt !== undefined) body.deleted_at = iso(v.deletedAt)
  return body
}

/** components.schemas.package */
export function packageJson(api: string, pkg: SimPackage, repo?: SimRepo): Record<string, unknown> {
  return {
    id: pkg.id,
    name: pkg.name,
    package_type: 'container',
    owner: ownerUser(api, pkg.owner),
    version_count: pkg.activeCount,
    visibility: pkg.visibility,
    url: packageUrl(api, pkg),
    created_at: iso(pkg.createdAt),
    updated_at: iso(pkg.updatedAt),
    repository: repo ? repositoryJson(api, repo, pkg.owner) : null,
    html_url: `${WEB}/${ownerPath(pkg.owner)}/packages/container/package/${encodeURIComponent(pkg.name)}`
  }
}

/** components.schemas.repository (also satisfies minimal-repository). */
export function repositoryJson(
  api: string,
  repo: SimRepo,
  owner: SimOwner | undefined
): Record<string, unknown> {
  const r = `${api}/repos/${repo.fullName}`
  const who = owner ? ownerUser(api, owner) : simpleUser(api, repo.owner, 1, 'User')
  const created = iso(0)
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: who,
    private: false,
    html_url: `${WEB}/${repo.fullName}`,
    description: null,
    fork: false,
    url: r,
    archive_url: `${r}/{archive_format}{/ref}`,
    assignees_url: `${r}/assignees{/user}`,
    blobs_url: `${r}/git/blobs{/sha}`,
    branches_url: `${r}/branches{/branch}`,
    collaborators_url: `${r}/collaborators{/collaborator}`,
    comments_url: `${r}/comments{/number}`,
    commits_url: `${r}/commits{/sha}`,
    compare_url: `${r}/compare/{base}...{head}`,
    contents_url: `${r}/contents/{+path}`,
    contributors_url: `${r}/contributors`,
    deployments_url: `${r}/deployments`,
    downloads_url: `${r}/downloads`,
    events_url: `${r}/events`,
    forks_url: `${r}/forks`,
    git_commits_url: `${r}/git/commits{/sha}`,
    git_refs_url: `${r}/git/refs{/sha}`,
    git_tags_url: `${r}/git/tags{/sha}`,
    git_url: `git://github.com/${repo.fullName}.git`,
    issue_comment_url: `${r}/issues/comments{/number}`,
    issue_events_url: `${r}/issues/events{/number}`,
    issues_url: `${r}/issues{/number}`,
    keys_url: `${r}/keys{/key_id}`,
    labels_url: `${r}/labels{/name}`,
    languages_url: `${r}/languages`,
    merges_url: `${r}/merges`,
    milestones_url: `${r}/milestones{/number}`,
    notifications_url: `${r}/notifications{?since,all,participating}`,
    pulls_url: `${r}/pulls{/number}`,
    releases_url: `${r}/releases{/id}`,
    ssh_url: `git@github.com:${repo.fullName}.git`,
    stargazers_url: `${r}/stargazers`,
    statuses_url: `${r}/statuses/{sha}`,
    subscribers_url: `${r}/subscribers`,
    subscription_url: `${r}/subscription`,
    tags_url: `${r}/tags`,
    teams_url: `${r}/teams`,
    trees_url: `${r}/git/trees{/sha}`,
    clone_url: `${WEB}/${repo.fullName}.git`,
    mirror_url: null,
    hooks_url: `${r}/hooks`,
    svn_url: `${WEB}/${repo.fullName}`,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: 'public',
    license: null,
    pushed_at: created,
    created_at: created,
    updated_at: created
  }
}

function link(href: string): { href: string } {
  return { href }
}

/** components.schemas.pull-request-simple (list) — `full` adds the fields of components.schemas.pull-request. */
export function pullJson(
  api: string,
  repo: SimRepo,
  owner: SimOwner | undefined,
  p: SimPull,
  full: boolean
): Record<string, unknown> {
  const r = `${api}/repos/${repo.fullName}`
  const self = `${r}/pulls/${p.number}`
  const html = `${WEB}/${repo.fullName}/pull/${p.number}`
  const repoJson = repositoryJson(api, repo, owner)
  const user = simpleUser(api, p.user, 1, 'User')
  const ref = (name: string, sha: string): Record<string, unknown> => ({
    label: `${repo.owner}:${name}`,
    ref: name,
    sha,
    user: repoJson.owner,
    repo: repoJson
  })
  const body: Record<string, unknown> = {
    url: self,
    id: 2_000_000 + p.number,
    node_id: nodeId('PullRequest', p.number),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${r}/issues/${p.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${r}/pulls/comments{/number}`,
    comments_url: `${r}/issues/${p.number}/comments`,
    statuses_url: `${r}/statuses/${p.headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user,
    body: null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    closed_at: p.closedAt === null ? null : iso(p.closedAt),
    merged_at: p.mergedAt === null ? null : iso(p.mergedAt),
    merge_commit_sha: p.mergedAt === null ? null : p.headSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: ref(p.headRef, p.headSha),
    base: ref(p.baseRef, repo.branches.get(p.baseRef)?.sha ?? p.headSha),
    _links: {
      self: link(self),
      html: link(html),
      issue: link(`${r}/issues/${p.number}`),
      comments: link(`${r}/issues/${p.number}/comments`),
      review_comments: link(`${self}/comments`),
      review_comment: link(`${r}/pulls/comments{/number}`),
      commits: link(`${self}/commits`),
      statuses: link(`${r}/statuses/${p.headSha}`)
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: false
  }
  if (full) {
    Object.assign(body, {
      merged: p.mergedAt !== null,
      mergeable: p.state === 'open' ? true : null,
      rebaseable: null,
      mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
      merged_by: p.mergedAt === null ? null : user,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1
    })
  }
  return body
}

/** components.schemas.branch-short (GET /repos/{owner}/{repo}/branches). */
export function branchShortJson(api: string, repo: SimRepo, b: SimBranch): Record<string, unknown> {
  return {
    name: b.name,
    commit: { sha: b.sha, url: `${api}/repos/${repo.fullName}/commits/${b.sha}` },
    protected: b.protected
  }
}

/** components.schemas.branch-with-protection (GET /repos/{owner}/{repo}/branches/{branch}). */
export function branchJson(api: string, repo: SimRepo, b: SimBranch): Record<string, unknown> {
  const r = `${api}/repos/${repo.fullName}`
  const when = iso(0)
  const person = { name: repo.owner, email: `${repo.owner}@users.noreply.github.com`, date: when }
  return {
    name: b.name,
    commit: {
      sha: b.sha,
      node_id: nodeId('Commit', 1),
      url: `${r}/commits/${b.sha}`,
      html_url: `${WEB}/${repo.fullName}/commit/${b.sha}`,
      comments_url: `${r}/commits/${b.sha}/comments`,
      commit: {
        url: `${r}/git/commits/${b.sha}`,
        author: person,
        committer: person,
        message: `Head of ${b.name}`,
        comment_count: 0,
        tree: { sha: b.sha, url: `${r}/git/trees/${b.sha}` }
      },
      author: null,
      committer: null,
      parents: []
    },
    _links: {
      self: `${r}/branches/${encodeURIComponent(b.name)}`,
      html: `${WEB}/${repo.fullName}/tree/${b.name}`
    },
    protected: b.protected,
    protection: {
      enabled: b.protected,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] }
    },
    protection_url: `${r}/branches/${encodeURIComponent(b.name)}/protection`
  }
}
