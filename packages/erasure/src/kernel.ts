import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gfMul } from './galois.js'
import type { Matrix } from './matrix.js'

// tsconfig has no DOM lib, so describe the few WebAssembly pieces used here.
interface WasmMemory { readonly buffer: ArrayBuffer, grow: (pages: number) => number }
interface KernelExports {
  memory: WasmMemory
  heapBase: () => number
  mulRows: (inputs: number, nIn: number, outputs: number, nOut: number, tables: number, len: number) => void
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

// Built by `npm run build:wasm` into dist/wasm/; this file runs from dist/src/.
const wasmUrl = new URL('../wasm/erasure.wasm', import.meta.url)

const PAGE = 65_536
const ALIGN = 32
/** Bytes staged in wasm memory per call, inputs and outputs together: a few L2 caches. */
const STAGE_BYTES = 2 * 1024 * 1024
const MIN_BLOCK = 4096
const MAX_BLOCK = 65_536

/** lo/hi nibble products of every coefficient: NIBBLES[32c + n] = c * n, [32c + 16 + n] = c * (n << 4). */
const NIBBLES = new Uint8Array(256 * 32)
for (let c = 0; c < 256; c++) {
  for (let n = 0; n < 16; n++) {
    NIBBLES[32 * c + n] = gfMul(c, n)
    NIBBLES[32 * c + 16 + n] = gfMul(c, n << 4)
  }
}

let kernel: KernelExports | undefined

function load (): KernelExports {
  if (kernel !== undefined) return kernel
  let bytes: Uint8Array
  try {
    bytes = readFileSync(wasmUrl)
  } catch (err) {
    throw new Error(`@shoal/erasure: cannot read ${fileURLToPath(wasmUrl)}; build it with \`npm run build:wasm -w @shoal/erasure\``, { cause: err })
  }
  kernel = new Instance(new Module(bytes), {}).exports as KernelExports
  return kernel
}

/**
 * outputs[o] = sum over i of coefficients[o][i] * inputs[i] in GF(2^8), the first
 * `lengths[o]` bytes of it; an input shorter than that counts as padded with zeros.
 * Inputs are read in blocks copied into wasm memory (wasm cannot see JS buffers), never
 * whole, and nothing past the longest output is computed.
 */
export function combine (inputs: readonly Uint8Array[], coefficients: Matrix, lengths: readonly number[]): Uint8Array[] {
  const nIn = inputs.length
  const nOut = coefficients.length
  const outputs = lengths.map(length => new Uint8Array(length))
  const length = Math.max(0, ...lengths)
  if (length === 0) return outputs
  const wasm = load()
  const block = Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, alignDown(STAGE_BYTES / (nIn + nOut))))
  const tables = align(wasm.heapBase())
  const staged = tables + nOut * nIn * 32
  const results = staged + nIn * block
  const end = results + nOut * block
  const memory = wasm.memory
  if (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE))
  const bytes = new Uint8Array(memory.buffer)

  for (let o = 0; o < nOut; o++) {
    for (let i = 0; i < nIn; i++) {
      const c = coefficients[o][i]
      bytes.set(NIBBLES.subarray(32 * c, 32 * c + 32), tables + (o * nIn + i) * 32)
    }
  }
  for (let offset = 0; offset < length; offset += block) {
    const count = Math.min(block, length - offset)
    const stride = align(count)
    for (let i = 0; i < nIn; i++) {
      const input = inputs[i]
      const at = staged + i * stride
      const available = Math.max(0, Math.min(count, input.length - offset))
      if (available > 0) bytes.set(input.subarray(offset, offset + available), at)
      if (available < count) bytes.fill(0, at + available, at + count)
    }
    wasm.mulRows(staged, nIn, results, nOut, tables, stride)
    for (let o = 0; o < nOut; o++) {
      const wanted = Math.min(count, lengths[o] - offset)
      const at = results + o * stride
      if (wanted > 0) outputs[o].set(bytes.subarray(at, at + wanted), offset)
    }
  }
  return outputs
}

function align (n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN
}

function alignDown (n: number): number {
  return Math.floor(n / ALIGN) * ALIGN
}
