import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { dispatcherFromEnv } from '../../src/http/dispatcher.js'
import { sendWithRetry, DEFAULT_RETRY_POLICY } from '../../src/http/retry.js'
import { createTransport, TransportError } from '../../src/http/transport.js'
import { answerFault, proxy, serve } from './loopback.js'

describe('transport', () => {
  let server: Awaited<ReturnType<typeof serve>>
  const hits = new Map<string, number>()
  const agent = new Agent()

  beforeAll(async () => {
    server = await serve((req, res) => {
      const path = req.url ?? ''
      const n = (hits.get(path) ?? 0) + 1
      hits.set(path, n)
      if (answerFault(path, n, req, res)) return
      if (path === '/bad-json') {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('[{"id":1},')
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"ok":true}')
    })
  })
  afterAll(async () => {
    await agent.close()
    await server.close()
  })

  it('turns a hung request into a timeout error', async () => {
    const transport = createTransport({ dispatcher: agent, timeoutMs: 50 })
    await expect(transport(`${server.url}/hang`)).rejects.toMatchObject({
      name: 'TransportError',
      kind: 'timeout'
    })
  })

  it('reads the whole body before answering, so a cut-off body is an error', async () => {
    const transport = createTransport({ dispatcher: agent })
    await expect(transport(`${server.url}/truncated`)).rejects.toBeInstanceOf(TransportError)
    const ok = await transport(`${server.url}/fine`)
    expect(await ok.json()).toEqual({ ok: true })
  })

  it('rejects an incomplete JSON body when asked to', async () => {
    const strict = createTransport({ dispatcher: agent, validateJson: true })
    await expect(strict(`${server.url}/bad-json`)).rejects.toMatchObject({ kind: 'body' })
    const lax = createTransport({ dispatcher: agent })
    expect((await lax(`${server.url}/bad-json`)).status).toBe(200)
  })

  it('retries resets, cut-off bodies and 503s, honouring Retry-After scaled', async () => {
    const waits: string[] = []
    const logger = { debug: (m: string) => waits.push(m), info: () => {}, warning: () => {} }
    const transport = createTransport({ dispatcher: agent })
    const policy = { ...DEFAULT_RETRY_POLICY, timeScale: 0.001, logger }
    for (const path of ['/reset-once', '/truncated-once', '/busy-once']) {
      const response = await sendWithRetry(path, true, () => transport(`${server.url}${path}`), policy)
      expect(response.status).toBe(200)
      expect(hits.get(path)).toBe(2)
    }
    // Retry-After: 2 → 2000 ms × 0.001.
    expect(waits.some(w => w.includes('HTTP 503') && w.includes('in 2 ms'))).toBe(true)
  })

  it('does not repeat a request that is not idempotent', async () => {
    const transport = createTransport({ dispatcher: agent })
    await expect(
      sendWithRetry('POST', false, () => transport(`${server.url}/reset-always`, { method: 'POST' }), {
        ...DEFAULT_RETRY_POLICY,
        timeScale: 0.001
      })
    ).rejects.toBeInstanceOf(TransportError)
    expect(hits.get('/reset-always')).toBe(1)
  })
})

describe('proxy from the environment', () => {
  it('tunnels through HTTP_PROXY and bypasses hosts in NO_PROXY', async () => {
    const target = await serve((_req, res) => res.end('hi'))
    const p = await proxy()
    try {
      const proxied = dispatcherFromEnv({ HTTP_PROXY: p.url })
      const response = await createTransport({ dispatcher: proxied })(`${target.url}/via`)
      expect(await response.text()).toBe('hi')
      expect(p.targets).toEqual([new URL(target.url).host])
      await proxied.close()

      const bypass = dispatcherFromEnv({ HTTP_PROXY: p.url, NO_PROXY: '127.0.0.1' })
      await createTransport({ dispatcher: bypass })(`${target.url}/direct`)
      expect(p.targets).toHaveLength(1)
      await bypass.close()
    } finally {
      await p.close()
      await target.close()
    }
  })

  it('uses a plain agent when no proxy is configured', () => {
    const d = dispatcherFromEnv({})
    expect(d.constructor.name).toBe('Agent')
    void d.close()
  })
})
