import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'

/**
 * JSON Schema (draft-07) of one journal line; `type` selects the record's schema (ajv's discriminator), so an
 * error names the field of the record it is about. The records restore acts on (header, delete-intent,
 * delete-result) are closed: an unknown field is an error. Decisions are informational and may gain fields.
 * docs/journal-format.md describes the same records in words.
 */
const id = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }
const ids = { type: 'array', items: id, maxItems: 1_000_000 }
const time = { type: 'string', minLength: 1, maxLength: 64 }
const text = { type: 'string', maxLength: 100_000 }
const name = { type: 'string', minLength: 1, maxLength: 512 }
/** The OCI digest grammar: algorithm ":" encoded. */
const digest = {
  type: 'string',
  maxLength: 200,
  pattern: '^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$'
}
const tags = { type: 'array', items: { type: 'string', maxLength: 512 } }

function record(
  type: string,
  properties: Record<string, unknown>,
  required: string[],
  closed = true
): object {
  return {
    type: 'object',
    properties: { type: { const: type }, ...properties },
    required: ['type', ...required],
    ...(closed ? { additionalProperties: false } : {})
  }
}

export const JOURNAL_RECORD_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/ghcr-retention/journal-record.json',
  title: 'One line of a ghcr-retention journal (format ghcr-retention/journal, version 2)',
  type: 'object',
  properties: { type: { type: 'string' } },
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    record(
      'header',
      {
        format: { const: 'ghcr-retention/journal' },
        version: { type: 'integer', minimum: 1 },
        mode: { enum: ['prune', 'restore'] },
        dryRun: { type: 'boolean' },
        owner: name,
        startedAt: time,
        run: {
          type: 'object',
          properties: {
            repository: text,
            runId: text,
            attempt: text,
            job: text,
            step: text
          },
          additionalProperties: false
        },
        settings: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' }
      },
      ['format', 'version', 'mode', 'dryRun', 'owner', 'startedAt', 'run', 'settings']
    ),
    record(
      'plan',
      {
        package: name,
        at: time,
        decisions: { type: 'integer', minimum: 0 },
        deletes: { type: 'integer', minimum: 0 },
        warnings: {
          type: 'array',
          items: {
            type: 'object',
            properties: { kind: { type: 'string' }, message: text, digest: { type: 'string' } },
            required: ['kind', 'message']
          }
        },
        blocked: text
      },
      ['package', 'at', 'decisions', 'deletes']
    ),
    record(
      'decision',
      {
        package: name,
        id,
        digest: { type: 'string', maxLength: 200 },
        action: { enum: ['keep', 'delete'] },
        rule: { type: 'string' },
        reason: text,
        tags,
        associatedTags: tags
      },
      ['package', 'id', 'digest', 'action'],
      false
    ),
    record('delete-intent', { package: name, id, digest, tags, after: ids, at: time }, [
      'package',
      'id',
      'digest',
      'tags',
      'at'
    ]),
    record(
      'delete-result',
      {
        package: name,
        id,
        digest,
        outcome: { enum: ['deleted', 'already-gone', 'refused', 'failed', 'rate-limited'] },
        status: { type: 'integer', minimum: 100, maximum: 599 },
        message: text,
        at: time
      },
      ['package', 'id', 'digest', 'outcome', 'at']
    ),
    record(
      'untag',
      {
        package: name,
        id,
        tag: { type: 'string', maxLength: 512 },
        ok: { type: 'boolean' },
        placeholderDigest: digest,
        error: text
      },
      ['package', 'id', 'tag', 'ok']
    ),
    record(
      'package-end',
      {
        package: name,
        at: time,
        remaining: ids,
        heldBack: {
          type: 'array',
          items: {
            type: 'object',
            properties: { id, digest: { type: 'string', maxLength: 200 }, reason: text },
            required: ['id', 'digest', 'reason'],
            additionalProperties: false
          }
        },
        stoppedReason: text,
        replans: { type: 'integer', minimum: 0 }
      },
      ['package', 'at', 'remaining']
    ),
    record('restore-intent', { package: name, id, digest, at: time }, ['package', 'id', 'at']),
    record(
      'restore-result',
      {
        package: name,
        id,
        digest,
        outcome: { enum: ['restored', 'not-restored', 'not-attempted', 'already-present'] },
        reason: text,
        at: time
      },
      ['package', 'id', 'outcome', 'at']
    ),
    record('end', { finishedAt: time, ok: { type: 'boolean' }, status: text, stop: text }, [
      'finishedAt',
      'ok',
      'status'
    ])
  ]
} as const

let validate: ValidateFunction | undefined

function validator(): ValidateFunction {
  // Compiled on first use: a prune that never reads a journal pays nothing.
  validate ??= new Ajv({ discriminator: true, allErrors: false, strict: true }).compile(JOURNAL_RECORD_SCHEMA)
  return validate
}

function describe(error: ErrorObject): string {
  const where =
    error.instancePath === '' ? 'the record' : `"${error.instancePath.slice(1).replace(/\//g, '.')}"`
  if (error.keyword === 'discriminator') {
    return error.params.error === 'mapping'
      ? `"type" ${JSON.stringify(error.params.tagValue)} is not a journal record type`
      : 'the record has no "type"'
  }
  if (error.keyword === 'additionalProperties') {
    return `${where} has a field the format does not define: ${JSON.stringify(error.params.additionalProperty)}`
  }
  if (error.keyword === 'required') return `${where} lacks ${JSON.stringify(error.params.missingProperty)}`
  if (error.keyword === 'const' || error.keyword === 'enum') {
    const allowed = (error.params.allowedValues ?? [error.params.allowedValue]) as unknown[]
    return `${where} must be ${allowed.map(v => JSON.stringify(v)).join(' or ')}`
  }
  return `${where} ${error.message ?? 'is not valid'}`
}

/** Undefined when `value` is a valid journal record, else what is wrong, naming the field. */
export function journalRecordErrors(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object'
  const v = validator()
  if (v(value)) return undefined
  const type = (value as { type?: unknown }).type
  const first = v.errors?.[0]
  const what = first ? describe(first) : 'is not valid'
  return `${typeof type === 'string' ? `(${JSON.stringify(type).slice(0, 40)}) ` : ''}${what}`
}
