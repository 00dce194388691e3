// A consumer may supply the memory chunks are copied into (to recycle buffers).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastcdc } from '../src/index.js'
import { collect, randomBytes, readsOf } from './helpers.js'

const options = { minSize: 1024, avgSize: 4096, maxSize: 16384 }

test('chunks land in the memory allocate() returns, with the same boundaries', async () => {
  const source = randomBytes(2 * 1024 * 1024, 3)
  const plain = await collect(fastcdc(readsOf(source, () => 50_000), options))
  const slab = new ArrayBuffer(options.maxSize * 4)
  let turn = 0
  const asked: number[] = []
  const allocate = (length: number): Uint8Array => {
    asked.push(length)
    return new Uint8Array(slab, (turn++ % 4) * options.maxSize, length)
  }
  let index = 0
  for await (const chunk of fastcdc(readsOf(source, () => 50_000), { ...options, allocate })) {
    assert.is(chunk.data.buffer, slab, 'data is the allocated view')
    assert.is(chunk.offset, plain[index].offset)
    assert.is(chunk.length, plain[index].length)
    assert.equal(chunk.data, source.subarray(chunk.offset, chunk.offset + chunk.length))
    index++
  }
  assert.is(index, plain.length)
  assert.equal(asked, plain.map(c => c.length))
})

test('allocate() returning the wrong length is a TypeError', async () => {
  const source = randomBytes(100_000, 4)
  try {
    await collect(fastcdc(readsOf(source, () => 10_000), { ...options, allocate: n => new Uint8Array(n + 1) }))
    assert.unreachable('should have thrown')
  } catch (err) {
    assert.instance(err, TypeError)
    assert.match((err as Error).message, /must return a Uint8Array of \d+ bytes/)
  }
})

test('a non-function allocate is refused when fastcdc is called', () => {
  assert.throws(() => fastcdc(readsOf(new Uint8Array(10), () => 5), { ...options, allocate: 5 as unknown as () => Uint8Array }), (err: Error) => err instanceof TypeError)
})

test.run()
