import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

/** A throwaway HTTP server on 127.0.0.1 for transport-level behaviour the simulator does not need to offer. */
export async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void
): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const sockets = new Set<Socket>()
  const server = createServer(handler)
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>(resolve => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

/**
 * The faults both HTTP clients' tests answer on these paths (`n`: how often this path was asked so far, this time
 * included): `/hang` never answers, `/truncated` (and `/truncated-once` the first time) sends part of a JSON body
 * then closes, `/reset-once` and `/reset-always` drop the connection, `/busy-once` answers 503 with retry-after 2.
 * True when the path was one of them and is answered.
 */
export function answerFault(path: string, n: number, req: IncomingMessage, res: ServerResponse): boolean {
  if (path === '/hang') return true
  if (path === '/truncated' || (path === '/truncated-once' && n === 1)) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    res.write('[1,2,')
    setTimeout(() => res.destroy(), 5)
    return true
  }
  if ((path === '/reset-once' && n === 1) || path === '/reset-always') {
    req.socket.destroy()
    return true
  }
  if (path === '/busy-once' && n === 1) {
    res.writeHead(503, { 'retry-after': '2' })
    res.end()
    return true
  }
  return false
}

/** A CONNECT proxy (what undici's ProxyAgent speaks) that records the targets it tunnelled to. */
export async function proxy(): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = []
  const p = await serve((_req, res) => {
    res.statusCode = 405
    res.end()
  })
  p.server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    targets.push(req.url ?? '')
    const [host, port] = (req.url ?? '').split(':')
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  return { url: p.url, targets, close: p.close }
}
