/**
 * The container registry that belongs to a GitHub API, or undefined when it cannot be derived (an IP address
 * or `localhost`, as in tests: then `registry-url` must be given).
 * - github.com (`https://api.github.com`) → `https://ghcr.io`
 * - GitHub Enterprise Cloud with data residency (`https://api.SUB.ghe.com`) → `https://containers.SUB.ghe.com`
 * - GitHub Enterprise Server (`https://HOST/api/v3`) → `https://containers.HOST` (needs subdomain isolation)
 * `serverUrl` (GITHUB_SERVER_URL), when given, names the host more directly than the API URL does.
 * Sources: docs.github.com "Working with the Container registry" (GHES: containers.HOSTNAME) and the GHE.com
 * feature overview (containers.SUBDOMAIN.ghe.com).
 */
export function defaultRegistryUrl(apiUrl: string, serverUrl?: string): string | undefined {
  const server = parse(serverUrl)
  const api = parse(apiUrl)
  const base = server ?? api
  if (!base) return undefined
  const protocol = base.protocol
  let host = base.hostname.toLowerCase()
  if (!server && api) {
    if (host === 'api.github.com') host = 'github.com'
    else if (host.startsWith('api.') && host.endsWith('.ghe.com')) host = host.slice('api.'.length)
  }
  if (host === 'github.com' || host === 'www.github.com') return 'https://ghcr.io'
  if (host === 'localhost' || /^[\d.]+$/.test(host) || host.includes(':')) return undefined
  const port = base.port ? `:${base.port}` : ''
  return `${protocol}//containers.${host}${port}`
}

function parse(url: string | undefined): URL | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url.trim())
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined
  } catch {
    return undefined
  }
}
