import * as core from '@actions/core'
import { actionsLog } from '../log/actionsLog.js'
import type { PackageInfo } from '../github/PackagesApi.js'
import type { RunContext } from './RunContext.js'

/**
 * The packages of the owner that the `packages` globs select, with the matrix-friendly `packages` output.
 * A selection that matches nothing is loud: a scheduled clean-up that silently does nothing piles images up.
 */
export async function selectPackages(ctx: RunContext): Promise<PackageInfo[]> {
  const { owner, packages } = ctx.settings
  const found = await ctx.packages.listPackages(owner, packages)
  found.sort((a, b) => a.name.localeCompare(b.name))
  core.setOutput('packages', JSON.stringify(found.map(p => p.name)))
  if (found.length === 0) {
    actionsLog.warning(
      `No container package of ${owner} matches packages ${JSON.stringify(packages.join(', '))}; nothing to do. ` +
        'Check the names (a package in a repository sub-path is named like `repo/sub`) and that the token can read them.',
      { title: 'No package matched' }
    )
  } else {
    actionsLog.info(
      `Packages of ${owner}: ${found.map(p => `${p.name} (${p.versionCount} versions)`).join(', ')}`
    )
  }
  return found
}
