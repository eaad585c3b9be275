/**
 * Reads a GITHUB_OUTPUT file back: `name<<DELIMITER` blocks (what @actions/core writes, multi-line safe) and plain
 * `name=value` lines. Used by the CLI to print outputs and by everything that runs the action as the runner does.
 */
export function parseOutputsFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (block) {
      const value: string[] = []
      while (++i < lines.length && lines[i] !== block[2]) value.push(lines[i])
      outputs[block[1]] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}
