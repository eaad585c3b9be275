import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { createBufferedRequest } from '../../src/http/bufferedRequest.js'
import { dispatcherFromEnv } from '../../src/http/dispatcher.js'
import { DEFAULT_RETRY_POLICY, sendWithRetry } from '../../src/http/retry.js'
import { TransportError } from '../../src/http/transport.js'
import { answerFault, proxy, serve } from './loopback.js'

describe('buffered request (the registry client light path)', () => {
  let server: Awaited<ReturnType<typeof serve>>
  let other: Awaited<ReturnType<typeof serve>>
  const hits = new Map<string, number>()
  const seen = new Map<string, Record<string, string | string[] | undefined>>()
  const agent = new Agent()

  beforeAll(async () => {
    other = await serve((req, res) => {
      seen.set(`other${req.url}`, req.headers)
      res.end('elsewhere')
    })
    server = await serve((req, res) => {
      const path = req.url ?? ''
      const n = (hits.get(path) ?? 0) + 1
      hits.set(path, n)
      seen.set(path, req.headers)
      if (answerFault(path, n, req, res)) return
      if (path === '/slow-body') {
        res.writeHead(200, { 'content-length': '10' })
        res.write('12345')
        return // the rest never comes
      }
      if (path === '/twice') {
        res.setHeader('www-authenticate', ['Bearer realm="a"', 'Basic realm="b"'])
        return res.end()
      }
      if (path === '/same-origin') {
        res.writeHead(302, { location: '/fine?moved' })
        return res.end()
      }
      if (path === '/cross-origin') {
        res.writeHead(307, { location: `${other.url}/landing` })
        return res.end()
      }
      if (path === '/put' && req.method === 'PUT') {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          res.writeHead(201, { 'docker-content-digest': 'sha256:x' })
          res.end(Buffer.concat(chunks))
        })
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(req.method === 'HEAD' ? undefined : '{"ok":true}')
    })
  })
  afterAll(async () => {
    await agent.close()
    await server.close()
    await other.close()
  })

  it('answers with status, headers and the whole body in an array of its own', async () => {
    const request = createBufferedRequest({ dispatcher: agent })
    const response = await request(`${server.url}/fine`, { headers: { accept: 'application/json' } })
    expect(response.status).toBe(200)
    expect(response.ok).toBe(true)
    expect(response.headers.get('Content-Type')).toBe('application/json')
    expect(response.headers.get('x-absent')).toBeNull()
    expect(await response.json()).toEqual({ ok: true })
    expect(response.bytes.byteOffset).toBe(0)
    expect(response.bytes.buffer.byteLength).toBe(response.bytes.byteLength)
    expect(seen.get('/fine')?.accept).toBe('application/json')
  })

  it('joins a repeated header as fetch does', async () => {
    const response = await createBufferedRequest({ dispatcher: agent })(`${server.url}/twice`)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="a", Basic realm="b"')
  })

  it('sends a HEAD without a body and a PUT with one', async () => {
    const request = createBufferedRequest({ dispatcher: agent })
    const head = await request(`${server.url}/head`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.bytes.byteLength).toBe(0)
    const put = await request(`${server.url}/put`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: new TextEncoder().encode('{"a":1}')
    })
    expect(put.status).toBe(201)
    expect(await put.text()).toBe('{"a":1}')
    expect(seen.get('/put')?.['content-length']).toBe('7')
  })

  it('turns a hung request, and a body that stops coming, into timeout errors', async () => {
    const request = createBufferedRequest({ dispatcher: agent, timeoutMs: 50 })
    for (const path of ['/hang', '/slow-body']) {
      await expect(request(`${server.url}${path}`)).rejects.toMatchObject({
        name: 'TransportError',
        kind: 'timeout',
        message: `GET ${server.url}${path} timed out after 50 ms`
      })
    }
  })

  it('turns a cut-off body into a TransportError, never a short answer', async () => {
    const request = createBufferedRequest({ dispatcher: agent })
    await expect(request(`${server.url}/truncated`)).rejects.toBeInstanceOf(TransportError)
    expect((await request(`${server.url}/fine`)).status).toBe(200)
  })

  it('lets sendWithRetry retry resets, cut-off bodies and 503s', async () => {
    const request = createBufferedRequest({ dispatcher: agent })
    const waits: string[] = []
    const logger = { debug: (m: string) => waits.push(m), info: () => {}, warning: () => {} }
    const policy = { ...DEFAULT_RETRY_POLICY, timeScale: 0.001, logger }
    for (const path of ['/reset-once', '/truncated-once', '/busy-once']) {
      const response = await sendWithRetry(path, true, () => request(`${server.url}${path}`), policy)
      expect(response.status).toBe(200)
      expect(hits.get(path)).toBe(2)
    }
    expect(waits.some(w => w.includes('HTTP 503') && w.includes('in 2 ms'))).toBe(true)
    await expect(
      sendWithRetry('reset', true, () => request(`${server.url}/reset-always`), { ...policy, retries: 1 })
    ).rejects.toMatchObject({ kind: 'network' })
  })

  it('follows redirects, and drops the credentials when one leads to another origin', async () => {
    const request = createBufferedRequest({ dispatcher: agent })
    const headers = { authorization: 'Bearer secret-token', 'user-agent': 'ghcr-retention' }
    const same = await request(`${server.url}/same-origin`, { headers })
    expect(await same.json()).toEqual({ ok: true })
    expect(seen.get('/fine?moved')?.authorization).toBe('Bearer secret-token')

    const cross = await request(`${server.url}/cross-origin`, { headers })
    expect(await cross.text()).toBe('elsewhere')
    expect(seen.get('other/landing')?.authorization).toBeUndefined()
    expect(seen.get('other/landing')?.['user-agent']).toBe('ghcr-retention')
  })

  it('goes through HTTP_PROXY, and around it for hosts in NO_PROXY', async () => {
    const p = await proxy()
    try {
      const proxied = dispatcherFromEnv({ HTTP_PROXY: p.url })
      const response = await createBufferedRequest({ dispatcher: proxied })(`${server.url}/via-proxy`)
      expect(await response.json()).toEqual({ ok: true })
      expect(p.targets).toEqual([new URL(server.url).host])
      await proxied.close()

      const bypass = dispatcherFromEnv({ HTTP_PROXY: p.url, NO_PROXY: '127.0.0.1' })
      await createBufferedRequest({ dispatcher: bypass })(`${server.url}/direct`)
      expect(p.targets).toHaveLength(1)
      await bypass.close()
    } finally {
      await p.close()
    }
  })
})
