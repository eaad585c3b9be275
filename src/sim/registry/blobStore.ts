import { randomUUID } from 'node:crypto'
import type { SimState } from '../state.js'

/**
 * Blobs and upload sessions. A blob pushed before its package exists (GHCR creates the package when the
 * first manifest arrives) waits in `staged` and moves into the package with that manifest.
 */
export class BlobStore {
  private readonly staged = new Map<string, Map<string, Buffer>>()
  private readonly sessions = new Map<string, { repo: string; chunks: Buffer[] }>()

  constructor(private readonly state: SimState) {}

  get(repo: string, digest: string): Buffer | undefined {
    const pkg = this.livePackage(repo)
    return pkg?.blobs.get(digest) ?? this.staged.get(repo)?.get(digest)
  }

  put(repo: string, digest: string, bytes: Buffer): void {
    const pkg = this.livePackage(repo)
    if (pkg) pkg.blobs.set(digest, bytes)
    else {
      let m = this.staged.get(repo)
      if (!m) this.staged.set(repo, (m = new Map()))
      m.set(digest, bytes)
    }
  }

  /** Moves staged blobs into the package just created for `repo`. */
  adopt(repo: string): void {
    const m = this.staged.get(repo)
    const pkg = this.livePackage(repo)
    if (!m || !pkg) return
    for (const [d, b] of m) pkg.blobs.set(d, b)
    this.staged.delete(repo)
  }

  startUpload(repo: string): string {
    const id = randomUUID()
    this.sessions.set(id, { repo, chunks: [] })
    return id
  }

  /** Appends a chunk; the session's total size, or undefined for an unknown session. */
  append(repo: string, id: string, chunk: Buffer): number | undefined {
    const s = this.sessions.get(id)
    if (!s || s.repo !== repo) return undefined
    if (chunk.length) s.chunks.push(chunk)
    return s.chunks.reduce((n, c) => n + c.length, 0)
  }

  finishUpload(repo: string, id: string): Buffer | undefined {
    const s = this.sessions.get(id)
    if (!s || s.repo !== repo) return undefined
    this.sessions.delete(id)
    return Buffer.concat(s.chunks)
  }

  livePackage(repo: string) {
    const slash = repo.indexOf('/')
    const pkg = slash > 0 ? this.state.packageOf(repo.slice(0, slash), repo.slice(slash + 1)) : undefined
    return pkg && pkg.deletedAt === undefined ? pkg : undefined
  }
}
