// An erasure-coded put: chunks are sealed as usual, grouped in order into stripes of k,
// and each stripe is stored with its m parity pieces (docs/durability.md, "@shoal/erasure").
// Sealing runs ahead as in writeContent; a stripe's sealed chunks are copied out of the
// sealer's recycled buffers, and at most STRIPES_STORING stripes are being stored while
// the next is sealed, so memory stays a few stripes whatever the file's size.
import { fastcdc, type ByteReader } from '@shoal/chunker'
import { sha256 } from '@shoal/crypto'
import { encodeParity } from '@shoal/erasure'
import { chunkCid, type ChunkRef, type Stripe } from '@shoal/manifest'
import type { ContentResult, WriteContentOptions } from './content.js'
import type { StripePiece } from './types.js'

/** Stripes being stored at once, beside the one being sealed. */
const STRIPES_STORING = 2

interface SealedPiece { ref: ChunkRef, bytes: Uint8Array }

export async function writeStripes (source: AsyncIterable<Uint8Array> | ByteReader, options: WriteContentOptions & { k: number, m: number }): Promise<ContentResult> {
  const { sink, sealer, signal, k, m } = options
  const inFlight = options.inFlight ?? 6
  const refs: ChunkRef[] = []
  const stripes: Stripe[] = []
  const result: ContentResult = { chunks: refs, stripes, size: 0, newChunks: 0, storedBytes: 0 }
  const sealing = new Set<Promise<SealedPiece>>()
  const storing = new Set<Promise<void>>()
  let failure: unknown
  let done = 0

  const seal = async (data: Uint8Array): Promise<SealedPiece> => {
    const sealed = await sealer.seal(data)
    // the sealer recycles its buffer once released: the stripe keeps a copy until stored
    const bytes = sealed.sealed.slice()
    sealer.release(sealed)
    const ref = { cid: chunkCid(sealed.digest), key: sealed.key, size: sealed.size, stored: bytes.byteLength, compression: sealed.compression }
    return { ref, bytes }
  }

  const store = async (index: number, first: number, seals: Array<Promise<SealedPiece>>): Promise<void> => {
    const data = await Promise.all(seals)
    const parity = encodeParity(data.map(piece => piece.bytes), m)
    const pieces: StripePiece[] = [
      ...data.map(piece => ({ cid: piece.ref.cid, bytes: piece.bytes })),
      ...parity.map(bytes => ({ cid: chunkCid(sha256(bytes)), bytes }))
    ]
    const stored = sink.putStripe !== undefined
      ? await sink.putStripe(pieces, { k: data.length, m, signal })
      : await Promise.all(pieces.map(async piece => await sink.put(piece.cid, piece.bytes, { signal, hashed: true })))
    pieces.forEach((piece, i) => {
      if (stored[i]) {
        result.newChunks++
        result.storedBytes += piece.bytes.byteLength
      }
    })
    data.forEach((piece, i) => { refs[first + i] = piece.ref })
    stripes[index] = { parity: pieces.slice(data.length).map(piece => piece.cid), size: parity[0].byteLength }
    done += data.reduce((n, piece) => n + piece.ref.size, 0)
    options.onProgress?.({ bytes: done, total: options.total })
  }

  const track = <T>(set: Set<Promise<T>>, task: Promise<T>): Promise<T> => {
    const tracked = task.finally(() => set.delete(tracked))
    tracked.catch(err => { failure ??= err })
    set.add(tracked)
    return tracked
  }

  let seals: Array<Promise<SealedPiece>> = []
  let first = 0
  let stripe = 0
  const close = (): void => {
    const task = store(stripe++, first, seals)
    first += seals.length
    seals = []
    void track(storing, task).catch(() => {})
  }

  for await (const chunk of fastcdc(source, { ...options.chunker, allocate: length => sealer.allocate(length) })) {
    signal?.throwIfAborted()
    if (failure !== undefined) break
    result.size += chunk.length
    seals.push(track(sealing, seal(chunk.data)))
    if (seals.length === k) close()
    while (sealing.size >= inFlight || storing.size >= STRIPES_STORING) await Promise.race([...sealing, ...storing]).catch(() => {})
  }
  if (failure === undefined && seals.length > 0) close()
  await Promise.allSettled([...sealing, ...storing])
  if (failure !== undefined) throw failure
  return result
}
