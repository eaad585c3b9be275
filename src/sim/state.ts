import { SimPackage } from './simPackage.js'
import { SimRepo } from './repos.js'

export interface SimOwner {
  readonly id: number
  readonly login: string
  readonly type: 'User' | 'Organization'
  /** Logins with admin rights (org owners); a user is always admin of their own packages. */
  readonly admins: Set<string>
  /** Logins who may read the organization's private packages. */
  readonly members: Set<string>
}

const key = (s: string): string => s.toLowerCase()

/** Everything the simulator serves; tests read and change it directly. */
export class SimState {
  readonly owners = new Map<string, SimOwner>()
  /** Key `owner/name`, lower case. Deleted packages stay here (restorable) until a push reuses the name. */
  readonly packages = new Map<string, SimPackage>()
  /** Key `owner/repo`, lower case. */
  readonly repos = new Map<string, SimRepo>()
  private nextOwnerId = 9_001
  private nextPackageId = 500_001
  private nextVersionId = 1_000_001
  private nextRepoId = 70_001

  constructor(readonly now: () => number) {}

  addOwner(login: string, type: 'User' | 'Organization', admins: readonly string[] = []): SimOwner {
    const existing = this.owners.get(key(login))
    if (existing) {
      if (existing.type !== type) throw new Error(`owner ${login} already exists as ${existing.type}`)
      for (const a of admins) existing.admins.add(key(a))
      return existing
    }
    const owner: SimOwner = {
      id: this.nextOwnerId++,
      login,
      type,
      admins: new Set(admins.map(key)),
      members: new Set()
    }
    this.owners.set(key(login), owner)
    return owner
  }

  owner(login: string): SimOwner | undefined {
    return this.owners.get(key(login))
  }

  /** The package, including a soft-deleted one (check `deletedAt`). */
  packageOf(owner: string, name: string): SimPackage | undefined {
    return this.packages.get(`${key(owner)}/${key(name)}`)
  }

  /** Live packages of an owner, by name. */
  packagesOf(owner: string): SimPackage[] {
    const prefix = `${key(owner)}/`
    const out: SimPackage[] = []
    for (const [k, p] of this.packages) if (k.startsWith(prefix) && p.deletedAt === undefined) out.push(p)
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** Creates a package (a push to a new name, or a name freed by a deleted package, does this on GHCR). */
  createPackage(
    owner: SimOwner,
    name: string,
    visibility: 'public' | 'private',
    now = this.now()
  ): SimPackage {
    const pkg = new SimPackage(this.nextPackageId++, owner, key(name), visibility, now)
    this.packages.set(`${key(owner.login)}/${key(name)}`, pkg)
    return pkg
  }

  allocateVersionId(): number {
    return this.nextVersionId++
  }

  addRepo(owner: string, name: string): SimRepo {
    const k = `${key(owner)}/${key(name)}`
    let repo = this.repos.get(k)
    if (!repo) {
      repo = new SimRepo(this.nextRepoId++, owner, name, this.now)
      this.repos.set(k, repo)
    }
    return repo
  }

  repo(owner: string, name: string): SimRepo | undefined {
    return this.repos.get(`${key(owner)}/${key(name)}`)
  }
}
