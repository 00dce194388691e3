// How much a vault node may offer: at least what one chunk of the largest size needs,
// else it could never take the chunks every large file has.
import { MAX_CHUNK_SIZE } from '@shoal/store'
import { UsageError } from '../../errors.js'
import { parseSize } from '../../size.js'

/** 4 MiB + 16 B: the chunker's largest chunk and its AEAD tag. */
export const MIN_NODE_SPACE = MAX_CHUNK_SIZE

/** `--space` of `shoal node` (and of each `shoal testnet` node) in bytes. */
export function parseNodeSpace (text: string, flag = '--space'): number {
  const bytes = parseSize(text, flag)
  if (bytes < MIN_NODE_SPACE) {
    throw new UsageError(`${flag}: '${text}' is too small for a vault, which must hold at least one chunk of the largest size, 4 MiB + 16 B (${MIN_NODE_SPACE}B); e.g. 1GiB`)
  }
  return bytes
}
