import type { PackagesApi } from '../github/PackagesApi.js'
import type { PackageRef, PackageVersion } from '../model/PackageVersion.js'

export async function listAllVersions(packages: PackagesApi, pkg: PackageRef): Promise<PackageVersion[]> {
  const all: PackageVersion[] = []
  for await (const page of packages.listVersions(pkg)) all.push(...page)
  return all
}
