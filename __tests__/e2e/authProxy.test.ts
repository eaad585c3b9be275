// The ghcr.io-style front the real-registry suite puts before docker-registry: challenge, token, scope,
// refused registry deletes, and verbatim forwarding — checked against a plain loopback upstream.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startAuthProxy, type AuthProxy } from '../../src/sim/authProxy.js'

const SECRET = 'ghp_e2e_proxy_test'
const basic = (password: string) => `Basic ${Buffer.from(`bot:${password}`).toString('base64')}`

describe('auth proxy (ghcr.io token challenge in front of an auth-less registry)', () => {
  let upstream: Server
  let upstreamUrl: string
  let proxy: AuthProxy
  const seen: { method: string; url: string; authorization?: string; body: string }[] = []

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body })
        if (req.method === 'POST') {
          res.writeHead(202, { location: `${upstreamUrl}/v2/acme/app/blobs/uploads/u1?_state=x` })
          res.end()
          return
        }
        const payload = Buffer.from(`{"echo":${JSON.stringify(body)}}`)
        res.writeHead(200, {
          'content-type': 'application/vnd.oci.image.index.v1+json',
          'docker-content-digest': 'sha256:' + 'a'.repeat(64),
          'content-length': payload.length
        })
        res.end(payload)
      })
    })
    await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', () => resolve()))
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
    proxy = await startAuthProxy({ upstream: upstreamUrl, acceptPassword: p => p === SECRET })
  })

  afterAll(async () => {
    await proxy?.close()
    upstream?.closeAllConnections()
    await new Promise<void>(resolve => upstream.close(() => resolve()))
  })

  const token = async (scope: string, password = SECRET): Promise<Response> =>
    fetch(`${proxy.url}/token?service=ghcr.io&scope=${encodeURIComponent(scope)}`, {
      headers: { authorization: basic(password) }
    })
  const bearer = async (scope: string): Promise<string> =>
    ((await (await token(scope)).json()) as { token: string }).token

  it('challenges an anonymous request the way ghcr.io does', async () => {
    const root = await fetch(`${proxy.url}/v2/`)
    expect(root.status).toBe(401)
    expect(root.headers.get('www-authenticate')).toBe(
      `Bearer realm="${proxy.url}/token",service="ghcr.io",scope="repository:user/image:pull"`
    )
    const manifest = await fetch(`${proxy.url}/v2/acme/app/manifests/latest`)
    expect(manifest.status).toBe(401)
    expect(manifest.headers.get('www-authenticate')).toBe(
      `Bearer realm="${proxy.url}/token",service="ghcr.io",scope="repository:acme/app:pull"`
    )
    expect(seen).toEqual([])
  })

  it('issues a token only for the accepted password, without expires_in', async () => {
    expect((await token('repository:acme/app:pull', 'wrong')).status).toBe(401)
    const ok = await token('repository:acme/app:pull')
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['token'])
  })

  it('holds a bearer to the repositories of its scope', async () => {
    const t = await bearer('repository:acme/app:pull')
    const other = await fetch(`${proxy.url}/v2/acme/other/manifests/latest`, {
      headers: { authorization: `Bearer ${t}` }
    })
    expect(other.status).toBe(401)
    expect(other.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    const forged = await fetch(`${proxy.url}/v2/acme/app/manifests/latest`, {
      headers: { authorization: 'Bearer not-issued' }
    })
    expect(forged.status).toBe(401)
  })

  it('forwards verbatim without the bearer: status, body, Content-Type, Docker-Content-Digest', async () => {
    const t = await bearer('repository:acme/app:pull')
    const res = await fetch(`${proxy.url}/v2/acme/app/manifests/latest?x=1`, {
      method: 'PUT',
      body: 'payload',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'text/plain' }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json')
    expect(res.headers.get('docker-content-digest')).toBe('sha256:' + 'a'.repeat(64))
    expect(await res.text()).toBe('{"echo":"payload"}')
    expect(seen.at(-1)).toEqual({
      method: 'PUT',
      url: '/v2/acme/app/manifests/latest?x=1',
      authorization: undefined,
      body: 'payload'
    })
  })

  it('keeps upload sessions on the proxy (absolute upstream Location rewritten)', async () => {
    const t = await bearer('repository:acme/app:pull')
    const res = await fetch(`${proxy.url}/v2/acme/app/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}` }
    })
    expect(res.status).toBe(202)
    expect(res.headers.get('location')).toBe(`${proxy.url}/v2/acme/app/blobs/uploads/u1?_state=x`)
  })

  it('refuses a registry manifest delete with 405 UNSUPPORTED, like ghcr.io', async () => {
    const before = seen.length
    const t = await bearer('repository:acme/app:pull')
    const res = await fetch(`${proxy.url}/v2/acme/app/manifests/sha256:${'b'.repeat(64)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t}` }
    })
    expect(res.status).toBe(405)
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('UNSUPPORTED')
    expect(seen.length).toBe(before)
    expect(proxy.requests.filter(r => r.kind === 'refused')).toHaveLength(1)
  })
})
