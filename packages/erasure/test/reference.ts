// The second implementation: the reed-solomon-erasure Rust crate (same field and matrix
// construction as Backblaze's JavaReedSolomon) compiled to wasm by its npm package. It
// wants equal-size shards in one buffer, so data pieces are zero-padded into a copy.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm'

// The package's ESM entry looks for its wasm through __dirname, which ESM lacks.
const codec = ReedSolomonErasure.fromBytes(readFileSync(createRequire(import.meta.url).resolve('@digitaldefiance/reed-solomon-erasure.wasm/wasm')))

export function referenceParity (data: Uint8Array[], m: number): Uint8Array[] {
  const k = data.length
  const longest = Math.max(...data.map(piece => piece.length))
  const shards = new Uint8Array((k + m) * longest)
  data.forEach((piece, i) => shards.set(piece, i * longest))
  const result = codec.encode(shards, k, m)
  if (result !== ReedSolomonErasure.RESULT_OK) throw new Error(`reference encode: ${ReedSolomonErasure.getResultMessage(result)}`)
  return Array.from({ length: m }, (_, j) => shards.slice((k + j) * longest, (k + j + 1) * longest))
}
