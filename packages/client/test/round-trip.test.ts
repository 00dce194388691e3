import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DEFAULT_CHUNKER_OPTIONS } from '@shoal/chunker'
import { getFile, getStream, put, putStream, readManifest } from '../src/index.js'
import { collect, from, MiB, openTempVault, pseudoRandom, SECRET, sha256hex } from './helpers.js'

const { minSize, avgSize, maxSize } = DEFAULT_CHUNKER_OPTIONS
const sizes = [0, 1, minSize - 1, minSize, minSize + 1, avgSize - 1, avgSize, avgSize + 1, maxSize - 1, maxSize, maxSize + 1]

test('stream round trip is exact at every chunk-size boundary', async () => {
  const vault = await openTempVault()
  try {
    for (const size of sizes) {
      const data = pseudoRandom(size, size + 1)
      const result = await putStream(from(data), vault.store, { convergenceSecret: SECRET, workers: 0 })
      assert.is(result.size, size)
      const back = await collect(getStream(result.uri, vault.store))
      assert.is(back.byteLength, size, `size ${size}`)
      assert.is(sha256hex(back), sha256hex(data), `size ${size}`)
    }
  } finally { await vault.cleanup() }
})

test('64 MiB of random bytes round-trips through files, sealed by worker threads', async () => {
  const vault = await openTempVault()
  try {
    const data = pseudoRandom(64 * MiB, 42)
    const input = join(vault.dir, 'random.bin')
    await writeFile(input, data)
    const result = await put(input, vault.store, { convergenceSecret: SECRET })
    assert.is(result.size, data.byteLength)
    assert.ok(result.chunks >= 16 && result.chunks <= 256, `${result.chunks} chunks`)
    // Random bytes do not compress: sealed = plaintext + a 16-byte tag per chunk, plus the manifest.
    assert.ok(result.storedBytes >= data.byteLength + 16 * result.chunks)
    const output = join(vault.dir, 'random.out')
    const got = await getFile(result.uri, vault.store, output)
    assert.is(got.size, data.byteLength)
    assert.is(sha256hex(await readFile(output)), sha256hex(data))
  } finally { await vault.cleanup() }
})

test('64 MiB of repetitive bytes is stored compressed and round-trips', async () => {
  const vault = await openTempVault()
  try {
    const line = Buffer.from('the quick brown fox jumps over the lazy dog; shoal stores it once\n')
    const data = Buffer.alloc(64 * MiB)
    for (let i = 0; i < data.length; i += line.length) line.copy(data, i)
    const input = join(vault.dir, 'text.txt')
    await writeFile(input, data)
    const result = await put(input, vault.store, { convergenceSecret: SECRET })
    assert.ok(result.storedBytes < data.length / 20, `stored ${result.storedBytes} of ${data.length}`)
    const output = join(vault.dir, 'text.out')
    await getFile(result.uri, vault.store, output)
    assert.is(sha256hex(await readFile(output)), sha256hex(data))
  } finally { await vault.cleanup() }
})

test('a directory tree round-trips with names, sizes, nesting and empty parts', async () => {
  const vault = await openTempVault()
  try {
    const root = join(vault.dir, 'tree')
    const files: Record<string, Uint8Array> = {
      'a.txt': Buffer.from('alpha\n'),
      empty: new Uint8Array(0),
      'sub/b.bin': pseudoRandom(3 * MiB + 17, 5),
      'sub/deeper/c.txt': Buffer.from('gamma'),
      'sub/deeper/same-as-b.bin': pseudoRandom(3 * MiB + 17, 5)
    }
    await mkdir(join(root, 'sub', 'deeper'), { recursive: true })
    await mkdir(join(root, 'empty-dir'))
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(root, name), bytes)
    // 'tree/.' names the same directory; its manifest takes the resolved name.
    const result = await put(join(root, '.'), vault.store, { convergenceSecret: SECRET })
    assert.is((await readManifest(result.uri, vault.store)).name, 'tree')
    const output = join(vault.dir, 'tree.out')
    const got = await getFile(result.uri, vault.store, output)
    assert.is(got.type, 'directory')
    assert.is(got.files, Object.keys(files).length)
    for (const [name, bytes] of Object.entries(files)) {
      assert.is(sha256hex(await readFile(join(output, name))), sha256hex(bytes), name)
    }
    // Identical files in the tree share their data chunks: b.bin's chunks were stored once.
    const copy = await put(join(root, 'sub', 'b.bin'), vault.store, { convergenceSecret: SECRET })
    assert.is(copy.newChunks, 0, 'the file and its manifest are already in the directory put')
  } finally { await vault.cleanup() }
})

test.run()
