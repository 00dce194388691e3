import { open } from 'node:fs/promises'

/**
 * A file's bytes as a stream of blocks read into two reused buffers, the next read
 * already running while the consumer handles the current block.
 *
 * A block is valid only until the consumer asks for the next one. The chunker copies
 * every read into its window before it asks again, so two buffers serve a whole file:
 * no fresh memory per read (a page fault per 4 KiB on first touch here) and no garbage.
 */
export async function * readBlocks (path: string, blockSize = 4 * 1024 * 1024): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r')
  const buffers = [Buffer.allocUnsafeSlow(blockSize), Buffer.allocUnsafeSlow(blockSize)]
  let turn = 0
  let pending = handle.read(buffers[turn], 0, blockSize, null)
  try {
    for (;;) {
      const { bytesRead } = await pending
      if (bytesRead === 0) return
      const current = buffers[turn]
      turn ^= 1
      pending = handle.read(buffers[turn], 0, blockSize, null)
      yield current.subarray(0, bytesRead)
    }
  } finally {
    await pending.catch(() => {})
    await handle.close()
  }
}
