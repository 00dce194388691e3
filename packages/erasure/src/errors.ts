/** Fewer than `needed` (k) pieces of a stripe are present: nothing can be rebuilt. */
export class NotEnoughPiecesError extends Error {
  readonly code = 'ERR_NOT_ENOUGH_PIECES'
  readonly present: number
  readonly needed: number
  readonly total: number

  constructor (present: number, needed: number, total: number) {
    super(`a stripe of ${needed}+${total - needed} pieces needs any ${needed} of them, but only ${present} are present`)
    this.name = 'NotEnoughPiecesError'
    this.present = present
    this.needed = needed
    this.total = total
  }
}

/** What was wrong with a call's arguments: the stripe's shape, a size, a piece or an index. */
export type StripeArgument = 'k' | 'm' | 'pieces' | 'sizes' | 'wanted'

/** A stripe argument out of range: k or m, k + m over 256, a size or a piece's length. */
export class InvalidStripeError extends RangeError {
  readonly code = 'ERR_INVALID_STRIPE'
  readonly argument: StripeArgument

  constructor (argument: StripeArgument, message: string) {
    super(message)
    this.name = 'InvalidStripeError'
    this.argument = argument
  }
}
