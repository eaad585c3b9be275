/**
 * Page parameters and the RFC 5988 `link` header, as GitHub sends them
 * (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api): `per_page`
 * defaults to 30 and is capped at 100, `page` starts at 1, and `link` carries absolute URLs for
 * rel="prev", "next", "last", "first" where they exist.
 */
export interface PageParams {
  readonly page: number
  readonly perPage: number
  readonly skip: number
}

function positiveInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback
  const n = Number(value)
  return n >= 1 ? n : fallback
}

export function pageParams(query: URLSearchParams, maxPerPage = 100): PageParams {
  const page = positiveInt(query.get('page'), 1)
  const perPage = Math.min(maxPerPage, positiveInt(query.get('per_page'), 30))
  return { page, perPage, skip: (page - 1) * perPage }
}

/** `link` header value for `total` rows, or undefined when everything fits on page 1. */
export function linkHeader(
  base: string,
  rawPath: string,
  query: URLSearchParams,
  p: PageParams,
  total: number
): string | undefined {
  const last = Math.max(1, Math.ceil(total / p.perPage))
  if (last === 1 && p.page === 1) return undefined
  const url = (page: number): string => {
    const q = new URLSearchParams(query)
    q.set('page', String(page))
    return `<${base}${rawPath}?${q.toString()}>`
  }
  const parts: string[] = []
  if (p.page > 1) parts.push(`${url(Math.min(p.page - 1, last))}; rel="prev"`)
  if (p.page < last) parts.push(`${url(p.page + 1)}; rel="next"`)
  if (p.page !== last) parts.push(`${url(last)}; rel="last"`)
  if (p.page > 1) parts.push(`${url(1)}; rel="first"`)
  return parts.length ? parts.join(', ') : undefined
}
