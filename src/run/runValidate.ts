import * as core from '@actions/core'
import { actionsLog } from '../log/actionsLog.js'
import { markdownCode, markdownText } from '../report/escape.js'
import type { PackageInfo } from '../github/PackagesApi.js'
import { validatePackage, type ValidationResult } from '../execute/Validate.js'
import type { PackageReport } from '../report/RunReport.js'
import { repositoryOf, type RunContext } from './RunContext.js'
import { selectPackages } from './selectPackages.js'

function renderValidation(results: readonly ValidationResult[]): string {
  const lines = ['## ghcr-retention: validate', '']
  for (const r of results) {
    lines.push(
      r.broken.length === 0
        ? `- **${markdownText(r.packageName)}**: all ${r.checkedTags} tags resolve in full`
        : `- **${markdownText(r.packageName)}**: ${r.broken.length} of ${r.checkedTags} tags are broken`
    )
    for (const b of r.broken.slice(0, 50)) {
      const missing = b.missing.length ? ` (missing ${b.missing.map(markdownCode).join(', ')})` : ''
      lines.push(`  - ${markdownCode(b.tag)}: ${markdownText(b.reason)}${missing}`)
    }
    if (r.broken.length > 50) lines.push(`  - …and ${r.broken.length - 50} more`)
  }
  return lines.join('\n') + '\n'
}

/**
 * Checks that every tag of the selected packages still pulls in full. Returns the number of broken tags and
 * sets the `broken-tags` output; deletes nothing.
 */
export async function validateAll(
  ctx: RunContext,
  selected: readonly PackageInfo[],
  pruned: readonly PackageReport[] = []
): Promise<number> {
  const results: ValidationResult[] = []
  const brokenTags: string[] = []
  for (const info of selected) {
    if (ctx.signal.aborted) break
    const deletedVersions = pruned.find(r => r.plan.packageName === info.name)?.execution?.deletedVersions
    const deleted = deletedVersions ? new Set(deletedVersions.map(d => d.digest)) : undefined
    actionsLog.startGroup(`validate ${info.name}`)
    try {
      const r = await validatePackage(
        { owner: info.owner, name: info.name },
        {
          packages: ctx.packages,
          registry: ctx.registry,
          repository: repositoryOf(info),
          logger: ctx.logger,
          signal: ctx.signal,
          concurrency: ctx.settings.concurrency,
          ...(deleted ? { deletedDigests: deleted } : {})
        }
      )
      results.push(r)
      for (const b of r.broken) {
        brokenTags.push(`${info.name}:${b.tag}`)
        actionsLog.error(`${info.name}:${b.tag} is broken: ${b.reason}`, { title: 'Broken tag' })
      }
      actionsLog.info(`${info.name}: ${r.checkedTags} tags checked, ${r.broken.length} broken`)
    } catch (error) {
      brokenTags.push(`${info.name}:*`)
      actionsLog.error(`${info.name}: validation failed: ${(error as Error).message}`)
    } finally {
      actionsLog.endGroup()
    }
  }
  core.setOutput('broken-tags', JSON.stringify(brokenTags))
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderValidation(results), true).write()
  return brokenTags.length
}

export async function runValidate(ctx: RunContext): Promise<void> {
  const selected = await selectPackages(ctx)
  const broken = await validateAll(ctx, selected)
  if (broken > 0 && ctx.settings.failOnBroken) actionsLog.setFailed(`${broken} tag(s) do not resolve in full`)
}
