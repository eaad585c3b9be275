// script/extra-checks decides the dependency-audit check from npm's JSON report. The registry's audit service is
// not reachable from every network, so this drives the decision with canned reports through a stand-in `npm`
// on PATH, inside the same `check` harness script/test defines.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { repoRoot } from './repoFiles.js'

// The same counting contract as script/test's `check`.
const HARNESS = `
set -uo pipefail
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then echo "check passed: $name"; passed=$((passed + 1)); else echo "CHECK FAILED: $name"; failed=$((failed + 1)); fi
}
source "$EXTRA_CHECKS"
echo "$passed passed, $failed failed"
`

const report = (counts: Record<string, number>, vulnerabilities: Record<string, { severity: string }> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts } }
  })

describe('script/extra-checks: npm-audit', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'extra-checks-'))
    mkdirSync(path.join(dir, 'bin'))
    mkdirSync(path.join(dir, '.tmp'))
    // Stands in for `npm audit --json`: prints the canned report, exits 1 like npm does when it finds anything.
    writeFileSync(path.join(dir, 'bin/npm'), '#!/usr/bin/env bash\ncat "$FAKE_AUDIT_REPORT"\nexit 1\n')
    chmodSync(path.join(dir, 'bin/npm'), 0o755)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const run = (auditReport: string, env: Record<string, string> = {}) => {
    const file = path.join(dir, 'report.json')
    writeFileSync(file, auditReport)
    const result = spawnSync('bash', ['-c', HARNESS], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        ...process.env,
        PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
        GITHUB_ACTIONS: '',
        ...env,
        FAKE_AUDIT_REPORT: file,
        EXTRA_CHECKS: path.join(repoRoot, 'script/extra-checks')
      }
    })
    return { status: result.status, out: result.stdout + result.stderr }
  }
  // Other checks in the file (shellcheck, actionlint) depend on what is installed: look at npm-audit alone.
  const audit = (out: string) =>
    out.includes('check passed: npm-audit')
      ? 'passed'
      : out.includes('CHECK FAILED: npm-audit')
        ? 'failed'
        : out.includes('npm-audit NOT RUN')
          ? 'not run'
          : 'missing'

  it('fails on a high or critical advisory and names the package', () => {
    const high = run(
      report({ high: 1, moderate: 2 }, { undici: { severity: 'high' }, x: { severity: 'moderate' } })
    )
    expect(high.out).toContain('high: undici')
    expect(high.out).toContain('CHECK FAILED: npm-audit')
    expect(audit(high.out)).toBe('failed')
    const critical = run(report({ critical: 1 }, { tar: { severity: 'critical' } }))
    expect(audit(critical.out)).toBe('failed')
  })

  it('passes with moderate or lower advisories only', () => {
    const moderate = run(report({ moderate: 3, low: 1 }, { x: { severity: 'moderate' } }))
    expect(moderate.out).toContain('0 critical, 0 high, 3 moderate, 1 low')
    expect(audit(moderate.out)).toBe('passed')
  })

  it('reports an unreachable audit service as not run, and as a failure on GitHub Actions', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.example/audit'
    })
    const local = run(refused)
    expect(audit(local.out)).toBe('not run')
    expect(audit(run(refused, { GITHUB_ACTIONS: 'true' }).out)).toBe('failed')
    expect(audit(run('', { GITHUB_ACTIONS: 'true' }).out)).toBe('failed')
  })
})
