/**
 * A user-supplied pattern that cannot be compiled. Carries only the reason; the caller knows which input the
 * pattern came from and wraps it in its own InputError or PolicyError, which names the input and quotes the value.
 */
export class PatternError extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'PatternError'
  }
}
