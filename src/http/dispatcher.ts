import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']

let shared: Dispatcher | undefined

/**
 * The dispatcher every request of the action goes through. Self-hosted runners often reach the internet only
 * through a proxy: when HTTPS_PROXY / HTTP_PROXY is set, undici's EnvHttpProxyAgent routes through it and
 * honours NO_PROXY. Without one a plain Agent is used, which also keeps undici's "experimental" process
 * warning for EnvHttpProxyAgent out of ordinary logs.
 */
export function dispatcherFromEnv(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const proxied = PROXY_VARIABLES.some(name => (env[name] ?? '') !== '')
  if (!proxied) return new Agent()
  return new EnvHttpProxyAgent({
    httpProxy: env.http_proxy || env.HTTP_PROXY || undefined,
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || undefined,
    noProxy: env.no_proxy ?? env.NO_PROXY
  })
}

/** One dispatcher per process, so both clients share connections and the proxy decision. */
export function sharedDispatcher(): Dispatcher {
  shared ??= dispatcherFromEnv()
  return shared
}
