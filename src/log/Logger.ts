/**
 * The logging surface the clients, the executor and the reports need. The action wires @actions/core behind it
 * through {@link actionsLog} (src/log/actionsLog.ts), which makes every line safe for the runner; tests capture it.
 * Callers must never pass a token, an Authorization header or a full request header map to it.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {}
}
