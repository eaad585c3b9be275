import { afterEach, describe, expect, it } from '@jest/globals'
import { actionsLog } from '../../src/log/actionsLog.js'
import { captureStdout } from '../report/sinks.js'

describe('actionsLog.debug', () => {
  const before = process.env.RUNNER_DEBUG
  afterEach(() => {
    if (before === undefined) delete process.env.RUNNER_DEBUG
    else process.env.RUNNER_DEBUG = before
  })

  it('writes nothing while step debug logging is off (the runner would drop the line)', async () => {
    delete process.env.RUNNER_DEBUG
    const stdout = await captureStdout(() => {
      actionsLog.debug('reason package_version=1: kept')
      actionsLog.info('visible')
    })
    expect(stdout).toBe('visible\n')
  })

  it('writes an escaped ::debug:: line when the runner says step debug logging is on', async () => {
    process.env.RUNNER_DEBUG = '1'
    const stdout = await captureStdout(() => actionsLog.debug('reason package_version=1: a\nb'))
    expect(stdout).toBe('::debug::reason package_version=1: a\\nb\n')
  })
})
