import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { createOctokit, type GitHubClient } from '../../src/github/octokit.js'
import { silentLogger } from '../../src/log/Logger.js'
import { createTransport } from '../../src/http/transport.js'
import { serve } from '../http/loopback.js'

/** Beyond 2^53: Octokit's own parse (json-with-bigint) makes it a BigInt, JSON.parse a number. */
const BIG = '9007199254740993'

describe('Octokit response bodies (one parse per body)', () => {
  let server: Awaited<ReturnType<typeof serve>>
  let octokit: GitHubClient
  const agent = new Agent()
  let flaky = 0

  beforeAll(async () => {
    server = await serve((req, res) => {
      if (req.url === '/flaky' && flaky++ === 0) {
        res.writeHead(502, { 'content-type': 'application/json' })
        return res.end('{"message":"Bad Gateway"}')
      }
      const answers: Record<string, [number, Record<string, string>, string]> = {
        '/flaky': [200, { 'content-type': 'application/json' }, '{"after":"retry"}'],
        '/json': [200, { 'content-type': 'application/json; charset=utf-8' }, `{"id":${BIG},"name":"app"}`],
        '/json-empty': [200, { 'content-type': 'application/json' }, ''],
        '/text': [200, { 'content-type': 'text/plain' }, 'plain'],
        '/bytes': [200, { 'content-type': 'application/octet-stream; charset=utf-8' }, 'raw'],
        '/untyped': [200, {}, 'untyped'],
        '/none': [204, {}, ''],
        '/missing': [404, { 'content-type': 'application/json' }, '{"message":"Not Found"}']
      }
      const [status, headers, body] = answers[req.url ?? ''] ?? [500, {}, '']
      res.writeHead(status, headers)
      res.end(body)
    })
    octokit = createOctokit({
      token: 'ghp_test',
      apiUrl: server.url,
      transport: createTransport({ dispatcher: agent, validateJson: true }),
      logger: silentLogger,
      timeScale: 0.001,
      retries: 2,
      maxRateLimitWaitSeconds: 0,
      writeGapMs: 0,
      writeConcurrency: 1
    })
  })
  afterAll(async () => {
    await agent.close()
    await server.close()
  })

  it("takes the transport's parse of a JSON body instead of parsing it again", async () => {
    const { data } = await octokit.request('GET /json')
    // A BigInt here would mean Octokit parsed the text a second time.
    expect(data).toEqual({ id: Number(BIG), name: 'app' })
  })

  it('answers other bodies as Octokit does: text, bytes, empty', async () => {
    expect((await octokit.request('GET /json-empty')).data).toBe('')
    expect((await octokit.request('GET /text')).data).toBe('plain')
    expect((await octokit.request('GET /untyped')).data).toBe('untyped')
    const bytes = (await octokit.request('GET /bytes')).data as ArrayBuffer
    expect(bytes).toBeInstanceOf(ArrayBuffer)
    expect(new TextDecoder().decode(bytes)).toBe('raw')
    const none = await octokit.request('GET /none')
    expect(none.status).toBe(204)
    expect(none.data).toBe('')
  })

  it('still turns an error answer into a RequestError with its message', async () => {
    await expect(octokit.request('GET /missing')).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Not Found')
    })
  })

  it('parses the answer that a retry brought', async () => {
    const { data } = await octokit.request('GET /flaky')
    expect(data).toEqual({ after: 'retry' })
    expect(flaky).toBe(2)
  })

  it('leaves the body unread for a caller that asks for it so', async () => {
    const { data } = await octokit.request('GET /json', { request: { parseSuccessResponseBody: false } })
    expect(data).toBeInstanceOf(ReadableStream)
  })
})
