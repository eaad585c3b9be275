/**
 * A retention-policy input that cannot be used. Like the settings layer's InputError, the message names the
 * input, quotes the value and says what is accepted, so a bad configuration fails before any request.
 */
export class PolicyError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    expected: string
  ) {
    super(`Invalid input '${input}': ${JSON.stringify(value)}. ${expected}`)
    this.name = 'PolicyError'
  }
}
