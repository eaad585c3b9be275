import { compileGlob } from '../patterns/glob.js'
import type { GitHubClient } from '../github/octokit.js'
import type { Logger } from '../log/Logger.js'
import { findReferences } from './findReferences.js'
import type { PinnedReference } from './PinnedReference.js'
import type { PinRepository } from './pinSettings.js'
import { MAX_PIN_FILE_BYTES } from './scanPins.js'

export interface TreeEntry {
  readonly path: string
  readonly sha: string
  readonly size?: number
}

/** Read-only access to another repository's files (REST: repos, git trees, git blobs). */
export interface RepoFileReader {
  defaultBranch(owner: string, repo: string): Promise<string>
  tree(owner: string, repo: string, ref: string): Promise<{ entries: TreeEntry[]; truncated: boolean }>
  blob(owner: string, repo: string, sha: string): Promise<string>
}

/** Files read per repository at most: each is one REST request from the run's budget. */
export const MAX_REMOTE_FILES = 500

export class PinRepositoryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PinRepositoryError'
  }
}

const CHECKOUT_INSTEAD =
  'Check the repository out in an earlier step instead (actions/checkout with `repository:` and `path:`) and ' +
  'add its path to protect-pinned, or remove it from protect-pinned-repositories.'

/**
 * Reads the files of other repositories that match the pin globs, through the REST API, and collects their
 * digest references. Asked to honour a repository's pins, the run cannot go on without them: a repository it
 * cannot read in full is an error before anything is deleted, not a silent gap.
 */
export async function scanRepositories(
  repositories: readonly PinRepository[],
  reader: RepoFileReader,
  options: { globs: readonly string[]; hosts: readonly string[]; logger: Logger; maxFiles?: number }
): Promise<{ files: number; references: PinnedReference[] }> {
  const matchers = options.globs.map(g => compileGlob(g, { paths: true }))
  const maxFiles = options.maxFiles ?? MAX_REMOTE_FILES
  const references: PinnedReference[] = []
  let files = 0
  for (const r of repositories) {
    const name = `${r.owner}/${r.repo}`
    try {
      const ref = r.ref ?? (await reader.defaultBranch(r.owner, r.repo))
      const tree = await reader.tree(r.owner, r.repo, ref)
      if (tree.truncated) {
        throw new PinRepositoryError(`the file list of ${name}@${ref} is too large for the API (truncated)`)
      }
      const wanted = tree.entries.filter(e => matchers.some(m => m.matches(e.path)))
      if (wanted.length > maxFiles) {
        throw new PinRepositoryError(
          `${wanted.length} files of ${name}@${ref} match protect-pinned, more than the ${maxFiles} read through the API`
        )
      }
      for (const e of wanted) {
        if ((e.size ?? 0) > MAX_PIN_FILE_BYTES) {
          options.logger.warning(
            `protect-pinned-repositories: ${name}:${e.path} is over 1 MiB and was not scanned`
          )
          continue
        }
        const text = await reader.blob(r.owner, r.repo, e.sha)
        files++
        references.push(
          ...findReferences(text, `${name}:${e.path}`, options.hosts, { yaml: /\.ya?ml$/i.test(e.path) })
        )
      }
      options.logger.info(`protect-pinned-repositories: ${wanted.length} file(s) of ${name}@${ref} scanned`)
    } catch (error) {
      const status = (error as { status?: unknown }).status
      const why =
        error instanceof PinRepositoryError
          ? error.message
          : `${name} could not be read${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${(error as Error).message}. ` +
            'The token needs read access to its contents (GITHUB_TOKEN reads only this repository)'
      throw new PinRepositoryError(`protect-pinned-repositories: ${why}. ${CHECKOUT_INSTEAD}`)
    }
  }
  return { files, references }
}

/** The REST implementation (docs.github.com/en/rest/repos/repos#get-a-repository, …/git/trees, …/git/blobs). */
export function octokitRepoReader(octokit: GitHubClient): RepoFileReader {
  return {
    async defaultBranch(owner, repo) {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo })
      return data.default_branch
    },
    async tree(owner, repo, ref) {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        owner,
        repo,
        tree_sha: ref,
        recursive: 'true'
      })
      const entries: TreeEntry[] = []
      for (const e of data.tree) {
        if (e.type === 'blob' && typeof e.path === 'string' && typeof e.sha === 'string') {
          entries.push({ path: e.path, sha: e.sha, ...(typeof e.size === 'number' ? { size: e.size } : {}) })
        }
      }
      return { entries, truncated: data.truncated }
    },
    async blob(owner, repo, sha) {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
        owner,
        repo,
        file_sha: sha
      })
      return data.encoding === 'base64' ? Buffer.from(data.content, 'base64').toString('utf8') : data.content
    }
  }
}
