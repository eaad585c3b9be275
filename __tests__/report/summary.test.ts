import { describe, expect, it } from '@jest/globals'
import { renderSummary, SUMMARY_LIMIT_BYTES, SUMMARY_BUDGET_BYTES } from '../../src/report/summary.js'
import { renderMermaid } from '../../src/report/mermaid.js'
import { resolveOutcomes } from '../../src/report/outcome.js'
import { appPlan, decision, dg, execution, report } from './fixtures.js'
import { bigPlan } from './bigPlan.js'

const bytes = (s: string) => Buffer.byteLength(s, 'utf8')

function mermaidBlock(md: string): string | undefined {
  return /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1]
}

describe('the Mermaid graph of a small plan', () => {
  it('draws tag → index → platform images, artifacts dotted, coloured by outcome', () => {
    const md = renderSummary(report())
    expect(mermaidBlock(md)).toBe(
      [
        'graph LR',
        '  classDef tag fill:#ddf4ff,stroke:#0969da,color:#0a3069',
        '  classDef kept fill:#dafbe1,stroke:#1a7f37,color:#0f2e17',
        '  classDef deleted fill:#ffebe9,stroke:#cf222e,color:#5c0a0f,stroke-dasharray:5 3',
        '  classDef pending fill:#fff8c5,stroke:#9a6700,color:#3b2300',
        '  v0["oci-index<br/>sha256:101010101010"]:::kept',
        '  t0(["v1.2"]):::tag --> v0',
        '  t1(["latest"]):::tag --> v0',
        '  v1["oci-manifest<br/>linux/amd64<br/>sha256:111111111111"]:::kept',
        '  v2("oci-manifest<br/>attestation<br/>sha256:121212121212"):::kept',
        '  v3("oci-artifact<br/>signature<br/>sha256:131313131313"):::kept',
        '  t2(["sha256-101010101010….sig"]):::tag --> v3',
        '  v4["oci-index<br/>sha256:202020202020"]:::deleted',
        '  t3(["foo"]):::tag --> v4',
        '  v5["oci-manifest<br/>linux/arm64<br/>sha256:212121212121"]:::deleted',
        '  v6["docker-manifest-v2<br/>orphan<br/>sha256:303030303030"]:::deleted',
        '  v0 --> v1',
        '  v0 -.->|attestation| v2',
        '  v0 -.->|signature| v3',
        '  v4 --> v5'
      ].join('\n')
    )
  })

  it('colours what a real run could not delete differently from what it deleted', () => {
    const pkg = {
      plan: appPlan(),
      execution: execution({
        deleted: [241406801],
        refused: [{ versionId: 241387187, digest: dg('21'), status: 400, message: 'last tagged version' }],
        remaining: [241362761]
      })
    }
    const graph = renderMermaid(pkg.plan, resolveOutcomes(pkg, false))!
    expect(graph).toContain('  v4["oci-index<br/>sha256:202020202020"]:::deleted')
    expect(graph).toContain('  v5["oci-manifest<br/>linux/arm64<br/>sha256:212121212121"]:::pending')
    expect(graph).toContain(':::pending\n  v0 --> v1')
  })

  it('cannot be broken out of by a label, and is left out when the package is too big to draw', () => {
    const plan = appPlan()
    const odd = {
      ...plan,
      decisions: plan.decisions.map((d, i) => (i === 1 ? { ...d, platform: 'linux/"x"<br>' } : d))
    }
    const graph = renderMermaid(odd, resolveOutcomes({ plan: odd }, true))!
    expect(graph).toContain('linux/#34;x#34;#60;br#62;')
    expect(graph).not.toContain('"x"')
    expect(renderMermaid(bigPlan('big', 40), new Map())).toBeUndefined()
    expect(mermaidBlock(renderSummary(report({ packages: [{ plan: bigPlan('big', 500) }] })))).toBeUndefined()
  })
})

describe('renderSummary', () => {
  it('shows totals, requests, the journal, and per package the trees with reasons', () => {
    const md = renderSummary(report())
    expect(md).toContain('## Container retention for <code>acme</code> — dry run')
    expect(md).toContain('> **Dry run:** nothing was deleted.')
    expect(md).toContain(
      '| Package | Versions | Kept | Would delete |\n|---|--:|--:|--:|\n| <code>app</code> | 7 | 4 | 3 |'
    )
    expect(md).toContain('- **Requests:** 14 REST of a budget of 500 · 9 registry')
    expect(md).toContain('<code>/tmp/ghcr-retention-journal.json</code>')
    expect(md).toContain('<summary><strong>app</strong> — 7 versions: 4 kept, 3 would be deleted</summary>')
    const rows = md.split('\n').filter(l => l.startsWith('| '))
    const foo = rows.findIndex(r => r.startsWith('| <code>foo</code> | 241406801 |'))
    expect(rows[foo + 1]).toBe(
      '| └ <code>sha256:212121212121</code> | 241387187 | linux/arm64 | oci-manifest | platform-image | 🗑️ delete | ' +
        '<code>closure</code> platform image of deleted tag foo (index sha256:202020202020) |'
    )
    expect(md).toContain(
      '| <code>v1.2</code> <code>latest</code> | 234860550 |  | oci-index | tagged-root | ✅ keep | <code>keep-tags</code> tag v1.2'
    )
  })

  it('lists what needs attention, and the outcome of each delete in a real run', () => {
    const plan = {
      ...appPlan(),
      warnings: [
        {
          kind: 'partial-index' as const,
          message: `index ${dg('40')} lacks 1 of 2 children`,
          digest: dg('40')
        }
      ]
    }
    const md = renderSummary(
      report({
        dryRun: false,
        packages: [
          {
            plan,
            execution: execution({
              deleted: [241406801],
              refused: [
                { versionId: 241387187, digest: dg('21'), status: 400, message: 'last tagged | version' }
              ],
              remaining: [241362761],
              stoppedReason: 'budget'
            })
          }
        ]
      })
    )
    expect(md).toContain('### Needs attention')
    expect(md).toContain('- ⚠️ **app: 1 partial index (children missing)**')
    expect(md).toContain('- ⚠️ **app: 1 deletion left for the next run** — stopped early: budget.')
    expect(md).toContain('| Package | Versions | Kept | Deleted | Refused | Backlog (next run) |')
    expect(md).toContain('**Planned deletions** (3 versions)')
    expect(md).toContain(
      '⛔ refused (HTTP 400) | <code>closure</code> platform image of deleted tag foo (index sha256:202020202020) — last tagged &#124; version |'
    )
    expect(md).toContain('⏳ deferred')
    expect(md).toContain('> ⏸️ **Stopped early:** budget')
  })

  it('does not repeat the outcome the reason opens with', () => {
    const plan = appPlan()
    const said = {
      ...plan,
      decisions: plan.decisions.map((d, i) =>
        i === 0 ? { ...d, reason: "kept: tag v1.2 matches keep-tags 'v*'" } : d
      )
    }
    const md = renderSummary(report({ packages: [{ plan: said }] }))
    expect(md).toContain('| ✅ keep | <code>keep-tags</code> tag v1.2 matches keep-tags &#39;v&#42;&#39; |')
  })

  it('keeps untrusted text from adding columns or markup', () => {
    const plan = appPlan()
    const evil = {
      ...plan,
      decisions: plan.decisions.map((d, i) =>
        i === 6 ? { ...d, reason: 'a | b <img src=x> `c` *d*\nnext' } : d
      )
    }
    const md = renderSummary(report({ packages: [{ plan: evil }] }))
    const row = md.split('\n').find(l => l.includes('| 241362761 |'))!
    expect(row.split('|').length - 2).toBe(7)
    expect(row).toContain('a &#124; b &#60;img src=x&#62; &#96;c&#96; &#42;d&#42; next')
  })

  it('fits 10,000 versions of one package within GitHub’s limit, the long tail counted and pointed at the journal', () => {
    const md = renderSummary(report({ packages: [{ plan: bigPlan('busy', 10_000) }] }))
    expect(bytes(md)).toBeLessThan(SUMMARY_BUDGET_BYTES)
    expect(bytes(md)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(md).toContain('| <code>busy</code> | 10,000 | 4,000 | 6,000 |')
    expect(md).toContain(
      '_…and 5,800 more versions (4,000 orphan, 900 platform-image, 450 tagged-root, 450 attestation): ' +
        'see the journal <code>/tmp/ghcr-retention-journal.json</code>._'
    )
    // Readable: the tables are cut, not 10,000 rows long.
    expect(md.split('\n').filter(l => l.startsWith('| ')).length).toBeLessThan(500)
    expect(mermaidBlock(md)).toBeUndefined()
  })

  it('stays within the limit for 20 packages of 10,000 versions by cutting rows, then packages', () => {
    const packages = Array.from({ length: 20 }, (_, i) => ({ plan: bigPlan(`svc-${i}`, 10_000, i) }))
    const md = renderSummary(report({ packages }))
    expect(bytes(md)).toBeLessThan(SUMMARY_BUDGET_BYTES)
    expect(md).toContain('| **Total** | 200,000 | 80,000 | 120,000 |')
    expect(md.match(/<details/g)!.length).toBe(40)
    expect(md).not.toContain('more packages not shown')
  })

  it('names the packages it had to leave out when even bare sections do not fit', () => {
    const packages = Array.from({ length: 30 }, (_, i) => ({ plan: bigPlan(`svc-${i}`, 100, i) }))
    const md = renderSummary(report({ packages }), { budgetBytes: 12_000 })
    expect(bytes(md)).toBeLessThanOrEqual(12_000)
    expect(md).toMatch(
      /_…and \d+ more packages not shown here to stay within GitHub's summary size: see the journal/
    )
  })

  it('shows a cycle rather than losing its versions', () => {
    const a = decision({ versionId: 1, digest: dg('a1'), action: 'keep', role: 'unknown', parent: dg('a2') })
    const b = decision({ versionId: 2, digest: dg('a2'), action: 'keep', role: 'unknown', parent: dg('a1') })
    const md = renderSummary(
      report({
        packages: [{ plan: { packageName: 'loop', decisions: [a, b], deleteOrder: [], warnings: [] } }]
      })
    )
    expect(md).toContain('| <code>sha256:a1a1a1a1a1a1</code> | 1 |')
    expect(md).toContain('| └ <code>sha256:a2a2a2a2a2a2</code> | 2 |')
  })
})
