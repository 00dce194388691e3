// @shoal/crypto: convergent chunk encryption, hashing and keys
// (docs/architecture.md#put, steps 3 and 4).
export { KEY_BYTES, TAG_BYTES, DIGEST_BYTES } from './constants.js'
export { IntegrityError, InvalidConvergenceSecretError } from './errors.js'
export { sha256 } from './hash.js'
export { ExposedSecretFileError, readSecretFile } from './secret-file.js'
export { convergentKey, convergentKeyFromDigest } from './convergent.js'
export { nodeCipher, nobleCipher, type ChunkCipher } from './chunk-cipher.js'
export { xchachaSeal, xchachaOpen } from './xchacha.js'
export { randomKey, wipe } from './keys.js'
export {
  SHARED_CONVERGENCE_SECRET,
  SHARED_CONVERGENCE_DOMAIN,
  CONVERGENCE_SECRET_FILE,
  generateConvergenceSecret,
  loadOrCreateConvergenceSecret,
  resolveConvergenceSecret,
  type ConvergenceMode
} from './convergence-secret.js'
