// ci.yml's test-action job, run here with its own step scripts: it starts the simulator, runs the committed
// dist/index.js in dry-run as `uses: ./`, and its checks must pass — so a change to the simulator's CLI, the
// action's outputs or the job itself is caught before GitHub runs it.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { loadWorkflow } from './repoFiles.js'
import { parseOutputFile, runJobLocally, type StepResult } from './localRunner.js'

describe('ci.yml test-action, run locally', () => {
  const job = loadWorkflow('ci.yml').doc.jobs['test-action']
  let results: StepResult[] = []
  const step = (id: string): StepResult => {
    const found = results.find(r => r.id === id)
    if (!found) throw new Error(`no step ${id}`)
    return found
  }

  beforeAll(() => {
    results = runJobLocally(job)
  }, 180_000)

  it('starts the simulator and hands its URLs and token to the action', () => {
    const sim = step('sim')
    expect({ status: sim.status, log: sim.log }).toEqual({
      status: 0,
      log: expect.stringContaining('::add-mask::')
    })
    expect(sim.outputs['api-url']).toMatch(/^http:\/\/127\.0\.0\.1:8787$/)
    expect(sim.outputs['registry-url']).toMatch(/^http:\/\/127\.0\.0\.1:8788$/)
    expect(sim.outputs.token.length).toBeGreaterThan(10)
    expect(Number(sim.outputs.versions)).toBeGreaterThan(0)
  })

  it('runs the action in dry-run; every check step passes', () => {
    const failing = results
      .filter(r => !r.skipped && r.status !== 0)
      .map(r => `${r.id}: ${r.log.slice(-2000)}`)
    expect(failing).toEqual([])
    expect(Number(step('prune').outputs['deleted-count'])).toBeGreaterThan(0)
    expect(step('prune').log).toContain('dry-run: would delete')
    expect(step('unchanged').log).toMatch(/acme\/app: (\d+) versions after the dry run, \1 loaded/)
  })

  it('keeps the token out of the action log (only the mask command carries it)', () => {
    const token = step('sim').outputs.token
    const lines = step('prune')
      .log.split('\n')
      .filter(line => line.includes(token))
    expect(lines.every(line => line.startsWith('::add-mask::'))).toBe(true)
  })

  it('stops the simulator in the always() step', () => {
    expect(step('sim-log')).toEqual(expect.objectContaining({ skipped: false, status: 0 }))
  })

  it('reads GITHUB_OUTPUT blocks the way the runner does', () => {
    expect(parseOutputFile('a=1\nb<<EOF\nx\ny\nEOF\nc=d=e\n')).toEqual({ a: '1', b: 'x\ny', c: 'd=e' })
  })
})
