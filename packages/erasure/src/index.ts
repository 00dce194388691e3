export { encodeParity } from './encode.js'
export { rebuildPieces } from './rebuild.js'
export { NotEnoughPiecesError, InvalidStripeError, type StripeArgument } from './errors.js'
export { MAX_PIECES } from './generators.js'
