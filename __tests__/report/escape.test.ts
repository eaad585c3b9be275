import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { marked } from 'marked'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import { restoreVersions } from '../../src/execute/Restore.js'
import { actionsLog } from '../../src/log/actionsLog.js'
import { logText } from '../../src/log/logText.js'
import { collectPins } from '../../src/pins/collectPins.js'
import { logPinOutcomes, pinOutcomes, renderPinsSummary } from '../../src/pins/pinReport.js'
import type { Plan } from '../../src/planner/Plan.js'
import { markdownCode, markdownText } from '../../src/report/escape.js'
import { mermaidText } from '../../src/report/mermaid.js'
import { renderSummaryHtml } from '../../src/report/html.js'
import { emitAnnotations, emitLog } from '../../src/report/publish.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderRestore } from '../../src/run/runRestore.js'
import { FakePackages, FakeStore, PKG } from '../execute/fakes.js'
import { appPlan, dg, execution, report } from './fixtures.js'
import { captureStdout, HOSTILE, htmlFacts, runnerCommands, type HtmlFacts } from './sinks.js'

const ALL = Object.values(HOSTILE)

/** A plan whose every data field a registry, a journal or a checkout could fill carries the tricks. */
function hostilePlan(): Plan {
  const plan = appPlan()
  return {
    ...plan,
    packageName: HOSTILE.leadingSpaces,
    decisions: plan.decisions.map((d, i) => {
      // The summary shows a version's first four tags: the table breakers first.
      if (i === 0) {
        const tags = [HOSTILE.pipes, HOSTILE.backticks, HOSTILE.img, HOSTILE.link, ...ALL]
        return { ...d, tags, associatedTags: tags }
      }
      if (i === 4) return { ...d, tags: [HOSTILE.newlineCommand], reason: `${HOSTILE.img} ${HOSTILE.link}` }
      if (i === 5) return { ...d, platform: HOSTILE.script, reason: HOSTILE.crCommand + HOSTILE.legacy }
      if (i === 6) return { ...d, reason: `${HOSTILE.backticks} ${HOSTILE.pipes} ${HOSTILE.image}` }
      return d
    })
  }
}

function hostileReport() {
  const plan = hostilePlan()
  return report({
    dryRun: false,
    owner: HOSTILE.img,
    journalFile: HOSTILE.pipes,
    packages: [
      {
        plan,
        execution: execution({
          packageName: plan.packageName,
          deleted: [241387187],
          refused: [
            {
              versionId: 241406801,
              digest: dg('20'),
              status: 400,
              message: HOSTILE.lineSeparator + HOSTILE.legacy
            }
          ],
          failed: [
            { versionId: 241362761, digest: dg('30'), error: `${HOSTILE.entity}\n${HOSTILE.newlineCommand}` }
          ],
          stoppedReason: HOSTILE.script
        })
      }
    ]
  })
}

/** Lines the runner would read as commands, other than those the program issues itself. */
function injected(stdout: string, own: readonly string[]): string[] {
  return runnerCommands(stdout)
    .filter(c => !own.includes(c.name))
    .map(c => c.line)
}

/** Only the elements Markdown tables, lists and the summary's own tags make; no attribute a script could use. */
const SUMMARY_ELEMENTS = new Set([
  'h2',
  'h3',
  'p',
  'blockquote',
  'strong',
  'em',
  'ul',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'details',
  'summary',
  'sub',
  'br',
  'pre'
])
const SUMMARY_ATTRIBUTES =
  /^(details open=|t[hd] align=(left|right|center)$|code class=language-mermaid$|pre class=mermaid$)/

function expectInert(facts: HtmlFacts): void {
  expect([...facts.elements].filter(e => !SUMMARY_ELEMENTS.has(e))).toEqual([])
  expect(facts.attributes.filter(a => !SUMMARY_ATTRIBUTES.test(a))).toEqual([])
}

describe('logText', () => {
  it('keeps data on its line and out of the runner’s command forms', () => {
    expect(ALL.map(logText)).toEqual([
      'k8s/app\\n::error title=x::text\\n.yaml',
      'v1\\r::add-mask::secret',
      'v1\\u2028::error::u2028',
      '   \\u003a:warning::leading spaces',
      'v1##\\u005bstop-commands]token',
      HOSTILE.img,
      HOSTILE.script,
      HOSTILE.backticks,
      HOSTILE.pipes,
      HOSTILE.link,
      HOSTILE.image,
      HOSTILE.entity
    ])
    expect(logText('\u00a0\t::x')).toBe('\u00a0\\u0009\\u003a:x'.replace('\\u0009', '\t'))
    expect(logText('\u001b[31mred')).toBe('\\u001b[31mred')
    for (const h of ALL) expect(logText(logText(h))).toBe(logText(h))
  })
})

describe('the log on the runner', () => {
  // With step debug logging on, so the reasons and other debug lines are written and checked too.
  const debugBefore = process.env.RUNNER_DEBUG
  beforeAll(() => {
    process.env.RUNNER_DEBUG = '1'
  })
  afterAll(() => {
    if (debugBefore === undefined) delete process.env.RUNNER_DEBUG
    else process.env.RUNNER_DEBUG = debugBefore
  })

  it('prints tags, names, reasons and server messages as text: no injected command, no extra line', async () => {
    const r = hostileReport()
    const stdout = await captureStdout(() => emitLog(r))
    expect(injected(stdout, ['group', 'endgroup', 'debug'])).toEqual([])
    // One line per entry: 2 groups of (title, lines…, endgroup), reasons at debug, 1 totals line.
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(2 * 2 + 7 * 2 + 1)
    const line = stdout.split('\n').find(l => l.includes('package_version=241406801 '))
    expect(line).toBe(
      'delete refused    \\u003a:warning::leading spaces:k8s/app\\n::error title=x::text\\n.yaml ' +
        'package_version=241406801 media_type=oci-index associated_tag=foo platform=<none> role=tagged-root ' +
        `rule=older-than digest=${dg('20')} status=400 error="v1\\u2028::error::u2028v1##\\u005bstop-commands]token"`
    )
    expect(stdout).toContain(
      '::group::   \\u003a:warning::leading spaces: deleted 1 of 7 versions (1 refused, 1 failed)\n'
    )
  })

  it('keeps annotations to the commands it means', async () => {
    const stdout = await captureStdout(() => emitAnnotations(hostileReport()))
    expect(injected(stdout, ['warning', 'error', 'notice'])).toEqual([])
    expect(stdout).not.toContain('##[')
    expect(
      stdout
        .split('\n')
        .filter(Boolean)
        .every(l => l.startsWith('::'))
    ).toBe(true)
  })

  it('escapes every line the action writes through its log, whoever formatted it', async () => {
    const stdout = await captureStdout(() => {
      for (const h of ALL) {
        actionsLog.info(h)
        actionsLog.debug(h)
        actionsLog.warning(h, { title: h })
        actionsLog.startGroup(h)
        actionsLog.endGroup()
      }
    })
    expect(injected(stdout, ['debug', 'warning', 'group', 'endgroup'])).toEqual([])
    expect(stdout).not.toContain('##[')
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(5 * ALL.length)
  })

  it('leaves out an annotation file property that would carry a command form, and keeps a plain one', async () => {
    const stdout = await captureStdout(() => {
      for (const h of ALL) actionsLog.warning('pinned here', { title: 't', file: `k8s/${h}.yaml` })
      actionsLog.warning('pinned here', { title: 't', file: 'k8s/app.yaml' })
    })
    expect(injected(stdout, ['warning'])).toEqual([])
    expect(stdout).not.toContain('##[')
    expect(stdout).toContain('::warning title=t,file=k8s/app.yaml::pinned here')
  })
})

describe('the pin report', () => {
  it('names a file called `app<newline>::error …` as text in the log and in the summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hostile-checkout-'))
    try {
      mkdirSync(path.join(dir, 'k8s'))
      const kept = `ghcr.io/acme/app@${dg('10')}`
      const gone = `ghcr.io/acme/app@${dg('99')}`
      writeFileSync(path.join(dir, HOSTILE.newlineCommand), `image: ${kept}\nsidecar: ${gone}\n`)
      writeFileSync(path.join(dir, 'k8s', `${HOSTILE.img}.yaml`), `image: ${kept}\n`)
      const pins = await collectPins({
        pins: { globs: ['**/*.yaml'], hosts: ['ghcr.io'], repositories: [] },
        owner: 'acme',
        env: { GITHUB_WORKSPACE: dir },
        logger: { debug() {}, info() {}, warning() {} }
      })
      expect(pins.references.map(r => r.file).sort()).toEqual(
        [HOSTILE.newlineCommand, HOSTILE.newlineCommand, `k8s/${HOSTILE.img}.yaml`].sort()
      )
      const outcomes = pinOutcomes(pins, 'app', appPlan().decisions)
      const stdout = await captureStdout(() => logPinOutcomes('app', outcomes, actionsLog))
      expect(injected(stdout, ['warning'])).toEqual([])
      expect(runnerCommands(stdout).map(c => c.name)).toEqual(['warning'])
      expect(stdout).toContain(
        'pinned: kept app@sha256:101010101010 (package_version=234860550) — pinned in ' +
          'k8s/app\\n::error title=x::text\\n.yaml:1 (also kept by keep-tags)\n'
      )
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(3)

      const md = renderPinsSummary(pins, outcomes)
      expect(md).toContain('| <code>k8s/app ::error title=x::text .yaml:1</code> |')
      const facts = htmlFacts(marked.parse(md, { async: false }))
      expectInert(facts)
      expect(facts.text).toContain(`k8s/${HOSTILE.img}.yaml:1`)
      expect(new Set(facts.rowCells)).toEqual(new Set([5]))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the step summary', () => {
  it('shows every hostile value as text, in the columns it belongs to', () => {
    const md = renderSummary(hostileReport())
    // Rendered as GitHub renders Markdown, with no sanitiser behind: the escaping alone must hold.
    const facts = htmlFacts(marked.parse(md, { async: false }))
    expectInert(facts)
    for (const h of [
      HOSTILE.img,
      HOSTILE.script,
      HOSTILE.backticks,
      HOSTILE.pipes,
      HOSTILE.link,
      HOSTILE.image
    ]) {
      expect(facts.text).toContain(h)
    }
    // Every table keeps its width: no pipe from data adds a column.
    const widths = new Set(facts.rowCells)
    expect([...widths].every(w => w === 7 || w === 6)).toBe(true)
  })

  it('escapes a code value and a text value the same way in every place', () => {
    expect(markdownText(HOSTILE.link)).toBe('&#91;x&#93;(javascript:alert(4))')
    expect(markdownCode(HOSTILE.pipes)).toBe(
      '<code>a&#124;b&#92;&#124;&#60;img src=x onerror=alert(3)&#62;</code>'
    )
    expect(markdownText(HOSTILE.entity)).toBe('&#38;lt;img src=x onerror=alert(6)&#38;gt;')
  })
})

describe('Mermaid labels', () => {
  it('cannot close their node, open a Markdown label or spell an entity code', () => {
    expect(mermaidText('a"]\n`b` #60;<img>&')).toBe('a#34;] #96;b#96; #35;60;#60;img#62;#38;')
  })
})

describe('the restore summary and log', () => {
  it('shows journal and server text as text', async () => {
    const store = new FakeStore()
    const a = store.image()
    a.state = 'deleted'
    const packages = new FakePackages(store)
    packages.answers.set(a.id, { kind: 'refused', status: 422, message: HOSTILE.newlineCommand })
    const pkg = { ...PKG, name: HOSTILE.leadingSpaces }
    let result: Awaited<ReturnType<typeof restoreVersions>> | undefined
    const stdout = await captureStdout(async () => {
      result = await restoreVersions(pkg, [{ id: a.id, digest: HOSTILE.legacy }], {
        packages,
        budget: RequestBudget.create(packages),
        logger: actionsLog
      })
    })
    expect(injected(stdout, ['warning'])).toEqual([])
    expect(stdout).not.toContain('##[')
    const md = renderRestore([
      {
        result: { ...result!, stoppedReason: HOSTILE.script },
        settled: [{ versionId: 7, digest: HOSTILE.legacy, outcome: 'not-restored', reason: HOSTILE.img }]
      }
    ])
    const facts = htmlFacts(marked.parse(md, { async: false }))
    expectInert(facts)
    expect(facts.text).toContain(HOSTILE.leadingSpaces.trim())
    expect(facts.text).toContain('422: k8s/app ::error title=x::text .yaml')
    expect(facts.text).toContain(HOSTILE.script)
  })
})

describe('the HTML report', () => {
  it('renders the hostile summary with no live markup', () => {
    const html = renderSummaryHtml(renderSummary(hostileReport()), { title: HOSTILE.script })
    const facts = htmlFacts(html)
    const page = new Set(['html', 'head', 'meta', 'title', 'style', 'body', ...SUMMARY_ELEMENTS])
    expect([...facts.elements].filter(e => !page.has(e))).toEqual([])
    expect(facts.attributes.filter(a => /^\S+ on/.test(a) || /javascript:/i.test(a))).toEqual([])
    expect(facts.text).toContain(HOSTILE.img)
  })

  it('passes only the tags the summary writes, even from Markdown it did not escape', () => {
    const md = [
      HOSTILE.img,
      '',
      HOSTILE.script,
      '',
      `${HOSTILE.link} ${HOSTILE.image} [ok](https://example.invalid/) <details open onclick=alert(7)>`,
      '',
      '| a | b |',
      '|---|---|',
      `| \`x\\\\|<img src=x onerror=alert(8)>\` | <svg onload=alert(9)> |`,
      '',
      '<details open>',
      '<summary><strong>kept</strong></summary><iframe src="javascript:alert(10)"></iframe>',
      '',
      '</details>'
    ].join('\n')
    const facts = htmlFacts(renderSummaryHtml(md))
    expect(
      [...facts.elements].filter(
        e => !['a', 'html', 'head', 'meta', 'title', 'style', 'body'].includes(e) && !SUMMARY_ELEMENTS.has(e)
      )
    ).toEqual([])
    expect(
      facts.attributes.filter(
        a => !/^(html lang=en$|meta |a href=https:\/\/example\.invalid\/$|details open=$)/.test(a)
      )
    ).toEqual([])
  })
})
