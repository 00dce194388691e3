// Streaming chunks hand out bytes the consumer owns: the chunker never touches them again,
// and it neither keeps nor modifies the reads it was given.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastcdc } from '../src/index.js'
import { randomBytes, readsOf } from './helpers.js'

const options = { minSize: 1024, avgSize: 4096, maxSize: 16384 }

test('mutating a yielded chunk does not change later chunks, nor is it undone', async () => {
  const source = randomBytes(6 * 1024 * 1024, 1)
  const pristine = source.slice()
  const seen: Uint8Array[] = []
  for await (const chunk of fastcdc(readsOf(source, () => 100_000), options)) {
    assert.equal(chunk.data, source.subarray(chunk.offset, chunk.offset + chunk.length), `chunk at ${chunk.offset}`)
    chunk.data.fill(0xa5)
    seen.push(chunk.data)
  }
  assert.ok(seen.length > 100)
  for (const data of seen) assert.ok(data.every(byte => byte === 0xa5), 'a chunk was rewritten after it was handed out')
  assert.equal(source, pristine, 'the chunker modified its input')
})

test('every chunk has its own ArrayBuffer, which can be transferred', async () => {
  const source = randomBytes(3 * 1024 * 1024, 2)
  const buffers = new Set<ArrayBufferLike>()
  let covered = 0
  for await (const chunk of fastcdc(readsOf(source, () => 65_536), options)) {
    assert.not.ok(buffers.has(chunk.data.buffer), 'ArrayBuffer shared between chunks')
    buffers.add(chunk.data.buffer)
    const moved = structuredClone(chunk.data, { transfer: [chunk.data.buffer as ArrayBuffer] })
    assert.is(chunk.data.byteLength, 0, 'transfer should detach the original')
    assert.equal(moved, source.subarray(chunk.offset, chunk.offset + chunk.length))
    covered += moved.byteLength
  }
  assert.is(covered, source.length)
})

test('breaking out of a stream early releases it; chunking still works afterwards', async () => {
  const source = randomBytes(2 * 1024 * 1024, 3)
  for (let i = 0; i < 5; i++) {
    let n = 0
    for await (const chunk of fastcdc(readsOf(source, () => 50_000), options)) {
      assert.equal(chunk.data, source.subarray(chunk.offset, chunk.offset + chunk.length))
      if (++n === 3) break
    }
    for (const chunk of fastcdc(source, options)) if (chunk.offset > 1_000_000) break
  }
  let total = 0
  for await (const chunk of fastcdc(readsOf(source, () => 50_000), options)) total += chunk.data.byteLength
  assert.is(total, source.length)
})

test.run()
