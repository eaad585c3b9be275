import type { PackagesApi } from './PackagesApi.js'
import type { PackageRef, PackageVersion } from '../model/PackageVersion.js'

/** Every version of a package, all pages read (each exactly once), for callers that need the whole list. */
export async function listAllVersions(packages: PackagesApi, pkg: PackageRef): Promise<PackageVersion[]> {
  const all: PackageVersion[] = []
  for await (const page of packages.listVersions(pkg)) all.push(...page)
  return all
}
