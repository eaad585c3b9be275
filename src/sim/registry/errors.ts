import { jsonResponse, type SimResponse } from '../http.js'

/** Registry error body: `{"errors":[{"code","message","detail"?}]}` (OCI distribution-spec, "Error Codes"). */
export function registryError(
  status: number,
  code: string,
  message: string,
  detail?: unknown,
  headers: Record<string, string | number> = {}
): SimResponse {
  const err: Record<string, unknown> = { code, message }
  if (detail !== undefined) err.detail = detail
  return jsonResponse(status, { errors: [err] }, headers)
}
