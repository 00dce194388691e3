import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ResolvedOptions } from './options.js'

// tsconfig has no DOM lib, so describe the few WebAssembly pieces used here.
interface WasmMemory { readonly buffer: ArrayBuffer, grow: (pages: number) => number }
interface CutterExports {
  memory: WasmMemory
  heapBase: () => number
  gearTable: () => number
  gearLsTable: () => number
  configure: (minSize: number, avgSize: number, maxSize: number, bits: number, level: number) => void
  cutAll: (window: number, length: number, eof: number, out: number, capacity: number) => number
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

// Built by `npm run build:wasm` into dist/wasm/; this file runs from dist/src/.
const wasmUrl = new URL('../wasm/chunker.wasm', import.meta.url)
const wasmModule = loadModule()

function loadModule (): object {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(wasmUrl)
  } catch (err) {
    throw new Error(`@shoal/chunker: cannot read ${fileURLToPath(wasmUrl)}; build it with \`npm run build:wasm -w @shoal/chunker\``, { cause: err })
  }
  return new Module(bytes)
}

const PAGE = 65_536
/** Records per cutAll call: 16 bytes each (u64 hash, u32 length, u32 unused). */
const RECORDS = 4096
const RECORD_BYTES = 16

/**
 * Bytes of input a cutter holds at once. Cutting needs maxSize bytes ahead of a chunk's
 * start, so up to maxSize bytes are carried (copied again) from one window to the next;
 * a window of 4x maxSize keeps that copy under a quarter of the input, and the 4 MiB
 * floor keeps small-chunk settings from crossing into wasm every few KiB.
 */
export function windowSize (maxSize: number): number {
  return Math.max(4 * maxSize, 4 * 1024 * 1024)
}

/**
 * One wasm instance: its own linear memory holding the gear tables, a result area and an
 * input window. A cutter is used by one chunking run at a time (see acquireCutter).
 */
export class Cutter {
  readonly #exports: CutterExports
  readonly #results: number
  /** Offset of the input window in `memory`. */
  readonly window: number
  /** Capacity of the input window in bytes. */
  capacity = 0
  /** The whole linear memory; callers copy input to memory[window ..]. */
  memory!: Uint8Array
  #hashes!: BigUint64Array
  #words!: Uint32Array

  constructor () {
    this.#exports = new Instance(wasmModule, {}).exports as CutterExports
    this.#results = align(this.#exports.heapBase(), 64)
    this.window = align(this.#results + RECORDS * RECORD_BYTES, 64)
    this.reserve(0)
  }

  /** Makes the window hold at least `bytes` bytes (wasm memory only grows). */
  reserve (bytes: number): void {
    const needed = this.window + bytes
    const memory = this.#exports.memory
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE))
    this.capacity = memory.buffer.byteLength - this.window
    if (this.memory?.buffer !== memory.buffer) {
      this.memory = new Uint8Array(memory.buffer)
      this.#hashes = new BigUint64Array(memory.buffer)
      this.#words = new Uint32Array(memory.buffer)
    }
  }

  configure (options: ResolvedOptions): void {
    this.#exports.configure(options.minSize, options.avgSize, options.maxSize, options.bits, options.normalization)
  }

  /**
   * Cuts the window bytes [start, end), as many chunks as are decidable (all of them when
   * `eof`), up to RECORDS at a time. Returns the count; read them with length()/hash().
   */
  cut (start: number, end: number, eof: boolean): number {
    return this.#exports.cutAll(this.window + start, end - start, eof ? 1 : 0, this.#results, RECORDS)
  }

  /** True when the last cut() stopped only because the result area was full. */
  static full (count: number): boolean {
    return count === RECORDS
  }

  length (record: number): number {
    return this.#words[(this.#results >>> 2) + record * 4 + 2]
  }

  hash (record: number): bigint {
    return this.#hashes[(this.#results >>> 3) + record * 2]
  }

  /** The gear tables as they sit in wasm memory (for tests against the reference). */
  gearTables (): { gear: BigUint64Array, gearLs: BigUint64Array } {
    const buffer = this.#exports.memory.buffer
    return {
      gear: new BigUint64Array(buffer.slice(this.#exports.gearTable(), this.#exports.gearTable() + 2048)),
      gearLs: new BigUint64Array(buffer.slice(this.#exports.gearLsTable(), this.#exports.gearLsTable() + 2048))
    }
  }
}

function align (value: number, to: number): number {
  return Math.ceil(value / to) * to
}

// Idle cutters, reused so repeated chunking does not keep mapping fresh wasm memories
// (each reserves address space and is slow to touch the first time). Wasm memory never
// shrinks, so only two cutters with windows up to the default settings' 16 MiB are kept,
// and besides them up to eight small ones (a window of at most 1 MiB: small files, put
// several at once): at most ~42 MiB stays resident after chunking ends.
const idle: Cutter[] = []
const MAX_IDLE = 2
const MAX_IDLE_CAPACITY = 17 * 1024 * 1024
const MAX_IDLE_SMALL = 8
const SMALL_CAPACITY = 1024 * 1024

export function acquireCutter (options: ResolvedOptions, bytes: number): Cutter {
  const cutter = idle.pop() ?? new Cutter()
  cutter.reserve(bytes)
  cutter.configure(options)
  return cutter
}

export function releaseCutter (cutter: Cutter): void {
  if (idle.includes(cutter) || cutter.capacity > MAX_IDLE_CAPACITY) return
  const small = cutter.capacity <= SMALL_CAPACITY
  const kept = idle.filter(c => (c.capacity <= SMALL_CAPACITY) === small).length
  if (kept >= (small ? MAX_IDLE_SMALL : MAX_IDLE)) return
  // Small ones last: acquire pops from the end, and most runs start small.
  if (small) idle.push(cutter)
  else idle.unshift(cutter)
}
