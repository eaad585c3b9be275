/** A workflow input that cannot be used. The message names the input, quotes the value and gives the form. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    value: string,
    expected: string
  ) {
    super(`Invalid input '${input}': ${JSON.stringify(value)}. Expected ${expected}.`)
    this.name = 'InputError'
  }
}
