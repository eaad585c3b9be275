import { InputError } from './InputError.js'

/**
 * Loopback hosts, where plain http never leaves the machine: 127.0.0.0/8, ::1 and `localhost` (the simulator
 * and local registries). The URL parser has already normalised the host (`127.1` → `127.0.0.1`, `[::1]`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * `api-url` or `registry-url`: an absolute https URL (http only to a loopback host: the token goes with every
 * request). No user name or password (it would be logged and sent besides the token), no query or fragment
 * (the clients append paths to it). `path: false` (the registry) also refuses a path: the registry API lives
 * at `/v2/` of the host, and a path would silently point every read at nothing.
 */
export function parseServiceUrl(input: string, value: string, { path }: { path: boolean }): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(input, value, 'an absolute URL with its scheme, such as `https://api.github.com`')
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(
      input,
      value,
      'an https:// URL: the token would travel unencrypted over http:// (allowed only to a loopback host, ' +
        'such as `http://127.0.0.1:8080`)'
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(input, value, 'an https:// URL')
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(input, '(a URL with credentials, not shown)', 'a URL without `user:password@`')
  }
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    throw new InputError(input, value, 'a URL without `?query` or `#fragment`')
  }
  if (!path && url.pathname !== '/') {
    throw new InputError(
      input,
      value,
      'the registry host only, such as `https://ghcr.io` or `https://containers.HOST` (the registry API is ' +
        'always at /v2/ of the host, so a path cannot be honoured)'
    )
  }
  return value.replace(/\/+$/, '')
}
