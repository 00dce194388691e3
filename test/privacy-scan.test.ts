// What the vaults of a network learn from holding a user's files. Known files (distinctive
// names, known bytes, sizes that are not round) are put through real `shoal node`
// processes, by a network-mode client and through a daemon; then every vault is stopped
// and all it keeps is read: each blob through the store's own API, each index record, and
// every byte of every file under the vault's directory (LevelDB's own files included).
// None holds a 32-byte window of any file's plaintext, a whole small file, a file or
// directory name, or a file's size in any encoding a manifest or index could carry.
// What blob lengths do reveal (SECURITY.md, "What a vault learns"): an incompressible file
// stored as one chunk is a blob exactly 16 bytes (the tag) longer than the file.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore } from '@shoal/store'
import { shoal } from './helpers/cli.js'
import { createTestnet, type Testnet } from './helpers/testnet.js'

const VAULTS = 4
const TAG_BYTES = 16

interface Known { name: string, bytes: Buffer, compressible: boolean }

/** Reproducible bytes that compress to nothing (a SHA-256 counter stream). */
function noise (seed: string, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0, block = 0; i < length; block++) i += createHash('sha256').update(`${seed}/${block}`).digest().copy(out, i)
  return out
}

/** Text that brotli shrinks, unlike anything else in the vault. */
function prose (seed: string, length: number): Buffer {
  let text = ''
  for (let line = 0; text.length < length; line++) text += `${seed} entry ${line}: paid ${(line * 7919) % 10007} pelican feathers to the harbour master\n`
  return Buffer.from(text.slice(0, length))
}

// sizes of at least 5 digits and 65,536 bytes or more, so that every encoding searched is
// 5 bytes or longer: a shorter pattern turns up by chance in megabytes of ciphertext
const DIRECTORY = 'board-minutes-kingfisher'
const TREE: Known[] = [
  { name: 'secret-diary-zebrafish.txt', bytes: prose('zebrafish diary', 70_001), compressible: true },
  { name: 'payroll-narwhal-2026.bin', bytes: noise('narwhal', 100_003), compressible: false },
  { name: 'tax-return-okapi.pdf', bytes: noise('okapi', 2_500_009), compressible: false }
]
const THROUGH_DAEMON: Known = { name: 'ledger-axolotl.csv', bytes: prose('axolotl ledger', 123_457), compressible: true }
const ALL = [...TREE, THROUGH_DAEMON]

let net: Testnet
let work = ''

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-privacy-'))
  net = await createTestnet({ nodes: VAULTS, firstHost: 170 })
})
test.after(async () => {
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

/** Every encoding of `size` a record could carry: CBOR, fixed-width integers both ways, decimal text. */
function sizeEncodings (size: number): Array<[string, Buffer]> {
  const cbor = size < 2 ** 32 ? Buffer.from([0x1a, ...u32be(size)]) : Buffer.concat([Buffer.from([0x1b]), u64(size, 'BE')])
  const encodings: Array<[string, Buffer]> = [
    ['CBOR unsigned', cbor], ['uint64 BE', u64(size, 'BE')], ['uint64 LE', u64(size, 'LE')],
    ['decimal', Buffer.from(String(size))], ['JSON field', Buffer.from(`:${size}`)], ['hex', Buffer.from(size.toString(16))]
  ]
  return encodings.filter(([, bytes]) => bytes.length >= 5)
}
function u32be (n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
function u64 (n: number, order: 'BE' | 'LE'): Buffer { const b = Buffer.alloc(8); if (order === 'BE') b.writeBigUInt64BE(BigInt(n)); else b.writeBigUInt64LE(BigInt(n)); return b }

/** 32-byte windows of `bytes`: first, last, and eight spread between. */
function windows (bytes: Buffer): Buffer[] {
  const step = Math.floor((bytes.length - 32) / 9)
  return Array.from({ length: 10 }, (_, i) => bytes.subarray(i * step, i * step + 32))
}

/** Every file under `dir`, read whole. */
async function filesUnder (dir: string): Promise<Array<{ path: string, bytes: Buffer }>> {
  const found: Array<{ path: string, bytes: Buffer }> = []
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    found.push({ path, bytes: await readFile(path) })
  }
  return found
}

test('known files go in through a network client and a daemon, and come back exact', async () => {
  const dir = join(work, DIRECTORY)
  await mkdir(dir)
  for (const file of TREE) await writeFile(join(dir, file.name), file.bytes)
  await writeFile(join(work, THROUGH_DAEMON.name), THROUGH_DAEMON.bytes)

  const put = await shoal(['put', dir, '--bootstrap', net.bootstrap, '--data', join(work, 'client'), '--json'])
  assert.is(put.code, 0, put.stderr)
  const tree = JSON.parse(put.stdout.trim().split('\n').pop() as string) as { uri: string }
  const viaDaemon = await shoal(['put', join(work, THROUGH_DAEMON.name), '--data', net.nodes[1].dataDir, '--json'])
  assert.is(viaDaemon.code, 0, viaDaemon.stderr)

  const back = await shoal(['get', tree.uri, '--bootstrap', net.nodes[2].address, '--data', join(work, 'reader'), '-o', join(work, 'back')])
  assert.is(back.code, 0, back.stderr)
  for (const file of TREE) assert.ok((await readFile(join(work, 'back', file.name))).equals(file.bytes), file.name)
})

test('no vault holds any plaintext, name or size of them; a single-chunk incompressible file shows as a blob 16 bytes longer', async () => {
  for (let i = 0; i < VAULTS; i++) await net.stopNode(i) // a clean stop: LevelDB's tables are written
  const scanned: Array<{ what: string, bytes: Buffer }> = []
  const blobLengths: number[] = []
  for (const node of net.nodes) {
    const vaultDir = join(node.dataDir, 'vault')
    for (const file of await filesUnder(vaultDir)) scanned.push({ what: file.path, bytes: file.bytes })
    const store = createStore({ dir: vaultDir, space: 256 * 1024 * 1024 })
    await store.start()
    try {
      for await (const cid of store.list()) {
        const blob = await store.get(cid)
        assert.ok(blob !== null)
        blobLengths.push(blob.length)
        scanned.push({ what: `${node.dataDir} blob ${cid.toString()}`, bytes: Buffer.from(blob) })
      }
      const records = await store.records({ limit: 100_000 })
      scanned.push({ what: `${node.dataDir} index records`, bytes: Buffer.from(JSON.stringify(records)) })
    } finally {
      await store.stop()
    }
  }
  const held = blobLengths.reduce((a, b) => a + b, 0)
  const random = ALL.filter(f => !f.compressible).reduce((a, f) => a + f.bytes.length, 0)
  assert.ok(held >= 2 * random, `the vaults hold ${held} bytes in ${blobLengths.length} blobs: the files are really there (r = 3)`)

  const needles: Array<[string, Buffer]> = []
  for (const file of ALL) {
    windows(file.bytes).forEach((w, i) => needles.push([`${file.name} window ${i}`, w]))
    if (file.bytes.length <= 128 * 1024) needles.push([`all of ${file.name}`, file.bytes])
    for (const text of [file.name, file.name.replace(/\.[a-z]+$/, '')]) {
      needles.push([`name ${text}`, Buffer.from(text)], [`name ${text} (UTF-16)`, Buffer.from(text, 'utf16le')])
    }
    for (const [how, bytes] of sizeEncodings(file.bytes.length)) needles.push([`size of ${file.name} as ${how}`, bytes])
  }
  needles.push([`name ${DIRECTORY}`, Buffer.from(DIRECTORY)])
  assert.ok(needles.length > 80, `${needles.length} needles`)

  const found: string[] = []
  for (const { what, bytes } of scanned) {
    for (const [needle, pattern] of needles) if (bytes.includes(pattern)) found.push(`${needle} in ${what}`)
  }
  assert.equal(found, [], `found: ${found.slice(0, 10).join('; ')}`)
  const bytes = scanned.reduce((a, s) => a + s.bytes.length, 0)
  console.log(`  scanned ${scanned.length} files, blobs and index dumps of ${VAULTS} vaults (${bytes} bytes; ${blobLengths.length} blobs) for ${needles.length} needles: none found`)

  // the documented leak, pinned: blob lengths. A file under the 256 KiB minimum chunk that
  // does not compress is one blob of exactly its size + the tag; padding would change this
  // (and SECURITY.md with it). Compressed and multi-chunk files show no such blob.
  const single = TREE[1]
  assert.ok((await stat(join(work, DIRECTORY, single.name))).size < 256 * 1024)
  assert.ok(blobLengths.includes(single.bytes.length + TAG_BYTES), `a blob of ${single.bytes.length + TAG_BYTES} bytes: the size of ${single.name} is visible to its holders`)
  for (const file of ALL.filter(f => f !== single)) assert.not.ok(blobLengths.includes(file.bytes.length + TAG_BYTES), `${file.name}: no blob gives its size away`)
})

test.run()
