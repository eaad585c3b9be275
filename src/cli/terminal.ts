/**
 * The action speaks in workflow commands (`::warning file=a,line=3::text`, `::debug::…`, `::group::…`) that the
 * runner turns into annotations and folds. In a terminal they are noise: render them the way the Actions log
 * viewer shows them, and hide debug lines unless asked.
 */
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')
}

/** One line of the action's stdout as a person reads it; undefined = not shown. */
export function renderCommandLine(line: string, debug: boolean): string | undefined {
  if (!line.startsWith('::')) return line
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line)
  if (!m) return line
  const [, command, props = '', data] = m
  switch (command) {
    case 'debug':
      return debug ? `debug: ${unescapeData(data)}` : undefined
    case 'add-mask':
    case 'endgroup':
    case 'save-state':
    case 'set-output':
      return undefined
    case 'group':
      return `▸ ${unescapeData(data)}`
    case 'warning':
    case 'error':
    case 'notice': {
      const fields = new Map(
        props
          .split(',')
          .filter(p => p.includes('='))
          .map(p => [p.slice(0, p.indexOf('=')), unescapeProperty(p.slice(p.indexOf('=') + 1))])
      )
      const where = fields.get('file')
        ? ` (${fields.get('file')}${fields.get('line') ? `:${fields.get('line')}` : ''})`
        : ''
      const title = fields.get('title') ? `${fields.get('title')}: ` : ''
      return `${command}: ${title}${unescapeData(data).replace(/\n/g, '\n    ')}${where}`
    }
    default:
      return line
  }
}

/**
 * Routes everything written to `stream` through {@link renderCommandLine}, line by line. Returns a function that
 * flushes a trailing partial line and restores the stream.
 */
export function renderWorkflowCommands(stream: NodeJS.WriteStream, debug: boolean): () => void {
  const write = stream.write.bind(stream)
  let pending = ''
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const lines = pending.split(/\r?\n/)
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const shown = renderCommandLine(line, debug)
      if (shown !== undefined) write(shown + '\n')
    }
    const callback = rest.find(r => typeof r === 'function') as (() => void) | undefined
    callback?.()
    return true
  }) as typeof stream.write
  return () => {
    if (pending) {
      const shown = renderCommandLine(pending, debug)
      if (shown !== undefined) write(shown + '\n')
    }
    stream.write = write
  }
}
