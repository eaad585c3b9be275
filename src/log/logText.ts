/**
 * The runner reads every line a step prints for workflow commands: a line that starts with `::` once leading
 * whitespace is trimmed (`::error::`, `::add-mask::`, `::stop-commands::`), and the legacy `##[command]` form
 * anywhere in a line (`##[stop-commands]` would switch off the masking of secrets). It splits lines at CR and
 * LF. A file name, tag or server message printed as it is could therefore issue commands of its own.
 */

/** Line breaks and other control characters: each would start a new line or rewrite what the log shows. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' }
/** What the runner's trim removes, and the invisible characters a reader would not see either. */
const LEAD_THEN_COLONS = /^([\s\u180e\u200b-\u200d\u2060]*):(?=:)/

/**
 * Text made safe to print as a log line or a part of one: control characters (line breaks first) are written
 * as visible escapes (`\n`, `\u001b`), so the text stays on its line; `##[` becomes `##\u005b`; and a text
 * that starts with `::` (after whitespace) has its first colon written `\u003a`. The result is for reading,
 * not for parsing back. Idempotent, so a value escaped where it is formatted can pass the logger again.
 */
export function logText(text: string): string {
  return text
    .replace(CONTROL, c => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '##\\u005b')
    .replace(LEAD_THEN_COLONS, '$1\\u003a')
}

/**
 * An annotation's message may have lines the program chose (`examples` joins three with line breaks); each
 * line is made safe on its own and the breaks are kept, as @actions/core encodes them inside the command.
 */
export function annotationText(text: string): string {
  return text
    .split(/\r\n|\n/)
    .map(logText)
    .join('\n')
}
