import { describe, expect, it } from '@jest/globals'
import { formatDecisionLine, formatReasonLine, logValue } from '../../src/report/logLines.js'
import { packageLog } from '../../src/report/packageLog.js'
import { renderSummary } from '../../src/report/summary.js'
import { appPlan, decision, dg, execution, report } from './fixtures.js'

const byId = (id: number) => appPlan().decisions.find(d => d.versionId === id)!

describe('formatDecisionLine', () => {
  it('writes a child of a deleted tag in the #90 shape, with its tag and platform', () => {
    expect(formatDecisionLine('app', byId(241387187), { dryRun: true })).toBe(
      'dry-run: would delete app:<untagged> package_version=241387187 media_type=oci-manifest associated_tag=foo ' +
        `platform=linux/arm64 role=platform-image rule=closure digest=${dg('21')} parent=${dg('20')}`
    )
  })

  it('says the same words without `dry-run:` when the delete happened', () => {
    expect(formatDecisionLine('app', byId(241387187), { dryRun: false, executed: 'deleted' })).toBe(
      'deleted app:<untagged> package_version=241387187 media_type=oci-manifest associated_tag=foo ' +
        `platform=linux/arm64 role=platform-image rule=closure digest=${dg('21')} parent=${dg('20')}`
    )
  })

  it('marks an orphan with associated_tag=<none> and keeps every key, <none> when unknown', () => {
    expect(formatDecisionLine('app', byId(241362761), { dryRun: true })).toBe(
      'dry-run: would delete app:<untagged> package_version=241362761 media_type=docker-manifest-v2 ' +
        `associated_tag=<none> platform=<none> role=orphan rule=delete-untagged digest=${dg('30')}`
    )
  })

  it('names a tagged version by all its tags, comma-joined, and logs keeps', () => {
    expect(formatDecisionLine('app', byId(234860550), { dryRun: false })).toBe(
      'kept app:v1.2,latest package_version=234860550 media_type=oci-index associated_tag=v1.2,latest ' +
        `platform=<none> role=tagged-root rule=keep-tags digest=${dg('10')}`
    )
    expect(formatDecisionLine('app', byId(234860550), { dryRun: true })).toMatch(
      /^dry-run: would keep app:v1\.2,latest /
    )
  })

  it('gives every outcome of a real delete its own lead and carries status and error', () => {
    const d = byId(241406801)
    const lead = (executed: Parameters<typeof formatDecisionLine>[2]['executed']) =>
      formatDecisionLine('app', d, { dryRun: false, executed }).split(' app:')[0]
    expect(lead('deleted')).toBe('deleted')
    expect(lead('gone')).toBe('already gone')
    expect(lead('refused')).toBe('delete refused')
    expect(lead('failed')).toBe('delete failed')
    expect(lead('remaining')).toBe('deferred')
    expect(lead('blocked')).toBe('held back')
    // A real run that never attempted a planned delete must not claim it deleted.
    expect(lead(undefined)).toBe('deferred')
    const refused = formatDecisionLine('app', d, {
      dryRun: false,
      executed: 'refused',
      status: 400,
      error: 'You cannot delete the last tagged version of a package.\nDelete the package instead.'
    })
    expect(refused).toBe(
      'delete refused app:foo package_version=241406801 media_type=oci-index associated_tag=foo platform=<none> ' +
        `role=tagged-root rule=older-than digest=${dg('20')} status=400 ` +
        'error="You cannot delete the last tagged version of a package. Delete the package instead."'
    )
  })

  it('adds untag and untag_failed for a kept version that loses some tags', () => {
    const d = decision({
      versionId: 7,
      digest: dg('77'),
      action: 'keep',
      role: 'tagged-root',
      tags: ['v2', 'pr-12'],
      associatedTags: ['v2', 'pr-12'],
      untagTags: ['pr-12']
    })
    expect(formatDecisionLine('app', d, { dryRun: false, untagFailed: ['pr-12'] })).toBe(
      'kept app:v2,pr-12 package_version=7 media_type=oci-manifest associated_tag=v2,pr-12 platform=<none> ' +
        `role=tagged-root rule=keep-tags digest=${dg('77')} untag=pr-12 untag_failed=pr-12`
    )
  })

  it('quotes a value that is not one token, so a line always splits into key=value pairs', () => {
    expect(logValue('closure')).toBe('closure')
    expect(logValue('two words')).toBe('"two words"')
    expect(logValue('a=b')).toBe('"a=b"')
    expect(logValue('')).toBe('<none>')
    const d = decision({ versionId: 1, digest: dg('01'), action: 'keep', rule: 'odd rule' })
    const line = formatDecisionLine('repo/sub', d, { dryRun: false })
    expect(line).toContain(' rule="odd rule" ')
    expect(line).toMatch(/^kept repo\/sub:<untagged> /)
  })

  it('puts the reason on a debug line that greps with the decision line', () => {
    expect(formatReasonLine(byId(241387187))).toBe(
      `reason package_version=241387187: platform image of deleted tag foo (index ${dg('20')})`
    )
  })
})

describe('packageLog', () => {
  it('groups deletions (in delete order) and keeps per package, reasons at debug, totals after', () => {
    const log = packageLog({ plan: appPlan() }, true)
    const groups = log.filter(e => e.kind === 'group').map(e => (e as { title: string }).title)
    expect(groups).toEqual(['app: would delete 3 of 7 versions', 'app: would keep 4 of 7 versions'])
    const infos = log.filter(e => e.kind === 'info').map(e => (e as { text: string }).text)
    expect(infos.slice(0, 3).map(l => l.match(/package_version=(\d+)/)![1])).toEqual([
      '241406801',
      '241387187',
      '241362761'
    ])
    expect(infos.every((l, i) => i >= 7 || l.startsWith('dry-run: would '))).toBe(true)
    expect(log.filter(e => e.kind === 'debug')).toHaveLength(7)
    expect(log[log.length - 1]).toEqual({
      kind: 'info',
      text: 'dry-run: totals app: versions=7 kept=4 deleted=3 already_gone=0 refused=0 failed=0 deferred=0 held_back=0'
    })
    // Every group is closed before the next opens (GitHub cannot nest them).
    let open = 0
    for (const e of log) {
      if (e.kind === 'group') expect(++open).toBe(1)
      if (e.kind === 'endgroup') open--
    }
    expect(open).toBe(0)
  })

  it('reports what happened in a real run, and the backlog a budget left', () => {
    const log = packageLog(
      {
        plan: appPlan(),
        execution: execution({
          deleted: [241406801],
          refused: [{ versionId: 241387187, digest: dg('21'), status: 403, message: 'Forbidden' }],
          remaining: [241362761],
          stoppedReason: 'budget'
        })
      },
      false
    )
    const titles = log.filter(e => e.kind === 'group').map(e => (e as { title: string }).title)
    expect(titles[0]).toBe('app: deleted 1 of 7 versions (1 refused, 1 deferred)')
    const leads = log
      .filter(e => e.kind === 'info')
      .slice(0, 3)
      .map(e => (e as { text: string }).text.split(' app:')[0])
    expect(leads).toEqual(['deleted', 'delete refused', 'deferred'])
  })

  it('holds back every delete of a plan the safety cap blocked, and says why', () => {
    const plan = {
      ...appPlan(),
      blocked: 'the plan deletes 3 of 7 versions (43 %), over max-deletions: 10 %'
    }
    const log = packageLog({ plan }, false)
    const infos = log.filter(e => e.kind === 'info').map(e => (e as { text: string }).text)
    expect(infos.slice(0, 3).every(l => l.startsWith('held back app:'))).toBe(true)
    expect(infos).toContain('app: the plan deletes 3 of 7 versions (43 %), over max-deletions: 10 %')
  })

  it('counts what the cap held back as the planner gives it (deletes turned into keeps of rule max-deletions)', () => {
    const base = appPlan()
    const plan = {
      ...base,
      deleteOrder: [],
      decisions: base.decisions.map(d =>
        d.action === 'delete' ? { ...d, action: 'keep' as const, rule: 'max-deletions' } : d
      ),
      blocked: 'The plan for app deletes 3 of 7 versions (43%), more than max-deletions 1 allows'
    }
    const log = packageLog({ plan }, false)
    const titles = log.filter(e => e.kind === 'group').map(e => (e as { title: string }).title)
    expect(titles).toEqual([
      'app: held back 3 planned deletions (max-deletions)',
      'app: kept 4 of 7 versions'
    ])
    const infos = log.filter(e => e.kind === 'info').map(e => (e as { text: string }).text)
    expect(infos.filter(l => l.startsWith('held back app:'))).toHaveLength(3)
    expect(infos[infos.length - 1]).toBe(
      'totals app: versions=7 kept=4 deleted=0 already_gone=0 refused=0 failed=0 deferred=0 held_back=3'
    )
  })
})

describe("the write barrier's line", () => {
  it("states passes, requests beyond listing and reading, and holds, before the totals; the summary counts the barrier's share", () => {
    const barrier = { passes: 2, heads: 3, manifestsWalked: 1, requests: 6, held: 1 }
    const pkg = {
      plan: appPlan(),
      execution: execution({ deleted: [241406801, 241387187], remaining: [241362761], barrier })
    }
    const infos = packageLog(pkg, false)
      .filter(e => e.kind === 'info')
      .map(e => (e as { text: string }).text)
    expect(infos.slice(-2)).toEqual([
      "app: write barrier: 2 passes over the registry's tags, 6 registry requests beyond listing and reading (3 tags HEADed, 1 manifest walked); held back 1 planned delete",
      'totals app: versions=7 kept=4 deleted=2 already_gone=0 refused=0 failed=0 deferred=1 held_back=0'
    ])
    expect(
      packageLog({ plan: appPlan() }, false).some(e => 'text' in e && e.text.includes('write barrier'))
    ).toBe(false)
    expect(renderSummary(report({ dryRun: false, packages: [pkg] }))).toContain(
      "- **Requests:** 14 REST of a budget of 500 · 9 registry (6 of them by the write barrier's 2 passes over the tags)"
    )
  })
})
