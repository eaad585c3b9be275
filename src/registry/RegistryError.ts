/** A registry request that failed in a way the caller must not guess around (HEAD/PUT/auth). */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message)
    this.name = 'RegistryError'
  }
}

/** `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}` → `MANIFEST_UNKNOWN: …` (OCI distribution spec, error codes). */
export function describeRegistryErrors(body: Uint8Array): string {
  try {
    const json = JSON.parse(Buffer.from(body).toString('utf8')) as {
      errors?: { code?: unknown; message?: unknown }[]
    }
    const errors = Array.isArray(json.errors) ? json.errors : []
    const parts = errors
      .map(e => [e.code, e.message].filter(x => typeof x === 'string' && x).join(': '))
      .filter(Boolean)
    return parts.join('; ')
  } catch {
    return ''
  }
}
