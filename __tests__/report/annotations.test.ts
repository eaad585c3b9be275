import { describe, expect, it } from '@jest/globals'
import { capAnnotations, collectAnnotations, type Annotation } from '../../src/report/annotations.js'
import { appPlan, dg, execution, report } from './fixtures.js'
import type { PlanWarning } from '../../src/planner/Plan.js'

describe('collectAnnotations', () => {
  it('turns plan warnings into one annotation per package and kind, with examples', () => {
    const warnings: PlanWarning[] = [
      ...Array.from({ length: 5 }, (_, i) => ({
        kind: 'ghost-index' as const,
        message: `index ${dg(`4${i}`)} has none of its children`,
        digest: dg(`4${i}`)
      })),
      { kind: 'unknown-manifest', message: `manifest ${dg('50')} could not be read: 500`, digest: dg('50') },
      { kind: 'rule-matched-nothing', message: 'keep-tags `release-*` matched no tag' }
    ]
    const list = collectAnnotations(report({ packages: [{ plan: { ...appPlan(), warnings } }] }))
    expect(list).toEqual([
      {
        level: 'warning',
        title: 'app: 5 ghost indexes (no child present)',
        message: [
          `index ${dg('40')} has none of its children`,
          `index ${dg('41')} has none of its children`,
          `index ${dg('42')} has none of its children`,
          "…and 2 more (the journal's warnings list them all)"
        ].join('\n')
      },
      {
        level: 'warning',
        title: 'app: 1 unreadable manifest kept',
        message: `manifest ${dg('50')} could not be read: 500`
      },
      {
        level: 'warning',
        title: 'app: a rule matched nothing',
        message: 'keep-tags `release-*` matched no tag'
      }
    ])
  })

  it('reports refused and failed deletes, failed untags and a used-up budget', () => {
    const list = collectAnnotations(
      report({
        dryRun: false,
        packages: [
          {
            plan: appPlan(),
            execution: execution({
              refused: [
                {
                  versionId: 241406801,
                  digest: dg('20'),
                  status: 400,
                  message: 'You cannot delete the last tagged version of a package.'
                }
              ],
              failed: [{ versionId: 241387187, digest: dg('21'), error: 'socket hang up' }],
              untagged: [{ versionId: 7, tag: 'pr-1', ok: false, error: 'push refused' }],
              remaining: [241362761],
              stoppedReason: 'request budget used up (500 of 500)'
            })
          }
        ]
      })
    )
    expect(list).toEqual([
      { level: 'error', title: 'app: 1 delete failed', message: 'package_version=241387187: socket hang up' },
      {
        level: 'warning',
        title: 'app: GitHub refused 1 delete',
        message:
          'package_version=241406801 (HTTP 400): You cannot delete the last tagged version of a package.'
      },
      {
        level: 'warning',
        title: 'app: 1 tag could not be removed',
        message: 'pr-1 (package_version=7): push refused'
      },
      {
        level: 'warning',
        title: 'app: 1 deletion left for the next run',
        message:
          'stopped early: request budget used up (500 of 500). The next scheduled run continues with the backlog.'
      }
    ])
  })

  it('says once why a capped plan deleted nothing: an error in a real run, a warning in a dry run', () => {
    const plan = {
      ...appPlan(),
      blocked: 'would delete 3 of 7 versions, more than max-deletions 1; raise max-deletions to apply',
      warnings: [{ kind: 'max-deletions' as const, message: 'over the cap' }]
    }
    expect(collectAnnotations(report({ dryRun: false, packages: [{ plan }] }))).toEqual([
      {
        level: 'error',
        title: 'app: max-deletions blocked the plan',
        message: 'would delete 3 of 7 versions, more than max-deletions 1; raise max-deletions to apply'
      }
    ])
    expect(collectAnnotations(report({ dryRun: true, packages: [{ plan }] }))).toEqual([
      {
        level: 'warning',
        title: 'app: a real run would be blocked by max-deletions',
        message:
          'A real run with these inputs would fail. would delete 3 of 7 versions, more than max-deletions 1; ' +
          'raise max-deletions to apply'
      }
    ])
  })

  it('names why deletes were held back for safety when nothing stopped the run', () => {
    const list = collectAnnotations(
      report({
        dryRun: false,
        packages: [
          {
            plan: appPlan(),
            execution: execution({
              remaining: [241362761, 241387187],
              heldBack: [
                { versionId: 241362761, digest: dg('22'), reason: 'kept index sha256:aa still lists it' },
                { versionId: 241387187, digest: dg('21'), reason: 'kept index sha256:aa still lists it' }
              ]
            })
          }
        ]
      })
    )
    expect(list).toEqual([
      {
        level: 'warning',
        title: 'app: 2 deletions left for the next run',
        message:
          'held back for safety: package_version=241362761: kept index sha256:aa still lists it (and 1 more, ' +
          'see the log). The next scheduled run continues with the backlog.'
      }
    ])
  })
})

describe('capAnnotations', () => {
  it('keeps each level within what GitHub shows and accounts for the rest', () => {
    const many: Annotation[] = Array.from({ length: 14 }, (_, i) => ({
      level: 'warning',
      title: `pkg-${i}: ghost`,
      message: 'm'
    }))
    const capped = capAnnotations([...many, { level: 'error', title: 'e', message: 'm' }])
    expect(capped.filter(a => a.level === 'warning')).toHaveLength(10)
    expect(capped.filter(a => a.level === 'error')).toHaveLength(1)
    const last = capped.filter(a => a.level === 'warning')[9]
    expect(last.title).toBe('5 more warnings')
    expect(last.message).toBe(
      '5 more warnings than GitHub shows per step: pkg-9: ghost; pkg-10: ghost; pkg-11: ghost; pkg-12: ghost; ' +
        'pkg-13: ghost. The step summary lists them all.'
    )
  })
})
