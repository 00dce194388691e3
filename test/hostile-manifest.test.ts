// `shoal get` of trees whose manifests an attacker wrote. Whoever makes a capability can
// put anything in its manifests, so this test builds them by hand (CBOR sealed under its
// own key, stored in a vault, the real `shoal` executable getting them): names that climb
// out ('..', absolute, separators, NUL), links that lead out directly, through each other
// or through a name differing only by case, and links laid under the names a get writes
// its partial files to. Each is refused with a typed error, or written inside the target;
// after every one, nothing outside the target has changed, on disk.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { partialPaths } from '@shoal/client'
import { xchachaSeal } from '@shoal/crypto'
import { encodeCbor, formatCapability, parseCapability } from '@shoal/manifest'
import { createStore } from '@shoal/store'
import { isOneLineError, shoal } from './helpers/cli.js'

let work = ''
let vault = ''
let data = ''
let out = ''
let outside = ''
const FILE_BYTES = 'the one file of the hostile trees\n'
let fileUri = ''
const AAD = new TextEncoder().encode('shoal:manifest')

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-hostile-manifest-'))
  vault = join(work, 'vault')
  data = join(work, 'data')
  out = join(work, 'out')
  outside = join(work, 'outside')
  await mkdir(out)
  await mkdir(outside)
  await writeFile(join(outside, 'victim'), 'must never change\n')
  await writeFile(join(work, 'file.txt'), FILE_BYTES)
  const put = await shoal(['put', join(work, 'file.txt'), '--vault', vault, '--data', data, '--json'])
  assert.is(put.code, 0, put.stderr)
  fileUri = (JSON.parse(put.stdout.trim().split('\n').pop() as string) as { uri: string }).uri
})
test.after(async () => {
  await rm(work, { recursive: true, force: true })
})

type Entry = { name: string, type: 'file', uri?: string } | { name: string, type: 'directory', uri: string } | { name: string, type: 'symlink', target: string }

/** Seals `record` as a manifest under a key of its own, stores it in the vault, and returns its URI. */
async function storeManifest (record: Record<string, unknown>): Promise<string> {
  const key = new Uint8Array(createHash('sha256').update(JSON.stringify(record)).update(String(Math.random())).digest())
  const sealed = xchachaSeal(key, encodeCbor(record), AAD)
  const cid = CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(sealed).digest()))
  const store = createStore({ dir: vault, space: 1 << 30 })
  await store.start()
  try { await store.put(cid, sealed) } finally { await store.stop() }
  return formatCapability({ cid, key })
}

/** A directory manifest with exactly these entries, in this order, as an attacker writes it (no encoder checks). */
async function hostileDirectory (entries: Entry[]): Promise<string> {
  const version = entries.some(e => e.type === 'symlink') ? 2 : 1
  return await storeManifest({
    version,
    type: 'directory',
    entries: entries.map(e => {
      if (e.type === 'symlink') return { name: e.name, type: 'symlink', target: e.target }
      const cap = parseCapability(e.uri ?? fileUri)
      return { name: e.name, type: e.type, size: e.type === 'file' ? FILE_BYTES.length : 0, capability: { cid: cap.cid.bytes, key: cap.key } }
    })
  })
}

/** Every path under `dir` with what it is (file bytes' hash, link target, directory). */
async function snapshot (dir: string): Promise<Record<string, string>> {
  const seen: Record<string, string> = {}
  const walk = async (at: string, rel: string): Promise<void> => {
    for (const name of (await readdir(at)).sort()) {
      const path = join(at, name)
      const key = rel === '' ? name : `${rel}/${name}`
      const info = await lstat(path)
      if (info.isSymbolicLink()) seen[key] = `-> ${await readlink(path)}`
      else if (info.isDirectory()) { seen[key] = 'dir'; await walk(path, key) } else seen[key] = createHash('sha256').update(await readFile(path)).digest('hex')
    }
  }
  await walk(dir, '')
  return seen
}

/** `shoal get` in local mode; the state of the world outside `out/` and of `out/` itself, before and after. */
async function get (uri: string, args: string[]): Promise<{ code: number | null, stderr: string, before: Record<string, string>, after: Record<string, string>, outsideChanged: boolean }> {
  const outsideBefore = await snapshot(outside)
  const before = await snapshot(out)
  const r = await shoal(['get', uri, '--vault', vault, '--data', data, ...args])
  const after = await snapshot(out)
  return { code: r.code, stderr: r.stderr, before, after, outsideChanged: JSON.stringify(outsideBefore) !== JSON.stringify(await snapshot(outside)) }
}

async function assertRefused (uri: string, code: string, what: string, args: string[] = []): Promise<void> {
  const target = join(out, 'tree')
  const r = await get(uri, ['-o', target, ...args])
  assert.is(r.code, 1, `${what}: ${r.stderr}`)
  assert.ok(isOneLineError(r.stderr), r.stderr)
  assert.match(r.stderr, code, what)
  assert.equal(r.after, r.before, `${what}: nothing written, nothing left behind`)
  assert.not.ok(r.outsideChanged, `${what}: nothing outside changed`)
}

test('names that leave the directory or are no name are refused: .., ., absolute, separators, NUL, empty', async () => {
  for (const name of ['..', '.', '../escape', '../../outside/victim', `${'/'}abs`, 'a/b', 'x\0y', '']) {
    for (const type of ['file', 'symlink'] as const) {
      const entry: Entry = type === 'file' ? { name, type } : { name, type, target: 'file' }
      await assertRefused(await hostileDirectory([entry]), 'ERR_INVALID_MANIFEST', `${type} named ${JSON.stringify(name)}`)
    }
  }
})

test('a file manifest whose own name climbs out is refused when get writes it under its name', async () => {
  for (const name of ['..', '../escape', '/tmp/escape', 'a/b']) {
    const uri = await storeManifest({ version: 1, type: 'file', name, size: 0, chunks: [], redundancy: { scheme: 'replicate', replicas: 1 } })
    const before = await snapshot(out)
    const r = await shoal(['get', uri, '--vault', vault, '--data', data, '-o', out]) // a directory: the name is used
    assert.is(r.code, 1, r.stderr)
    assert.match(r.stderr, 'ERR_INVALID_MANIFEST')
    assert.equal(await snapshot(out), before, name)
  }
})

test('links leading out are refused: absolute, climbing, through another link, through a name differing only by case', async () => {
  const inner = async (entries: Entry[]): Promise<Entry> => ({ name: 'd', type: 'directory', uri: await hostileDirectory(entries) })
  const trees: Array<[string, Entry[]]> = [
    ['absolute', [{ name: 'l', type: 'symlink', target: join(outside, 'victim') }]],
    ['climbing', [{ name: 'l', type: 'symlink', target: '../outside/victim' }]],
    ['climbing from inside', [await inner([{ name: 'l', type: 'symlink', target: 'x/../../../outside' }])]],
    ['through another link', [await inner([{ name: 'up', type: 'symlink', target: '..' }, { name: 'x', type: 'symlink', target: 'up/../outside' }])]],
    // 'up' is 'UP' where names fold (macOS, Windows): refused everywhere, never laxer there
    ['through a case twin', [await inner([{ name: 'UP', type: 'symlink', target: '..' }, { name: 'x', type: 'symlink', target: 'up/../outside' }])]]
  ]
  for (const [what, entries] of trees) await assertRefused(await hostileDirectory(entries), 'ERR_ESCAPING_LINK', what)
})

test('names other systems reserve (CON, nul.txt, back slashes, a drive, a trailing dot) are written inside the target here', async () => {
  const names = ['..\\..\\escape', 'C:escape', 'CON', 'a\\b', 'nul.txt', 'trailing.']
  const entries: Entry[] = names.map(name => ({ name, type: 'file' }))
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
  const target = join(out, 'reserved')
  const r = await get(await hostileDirectory(entries), ['-o', target])
  if (process.platform === 'win32') {
    assert.is(r.code, 1, r.stderr)
    assert.match(r.stderr, 'ERR_UNSAFE_NAME')
  } else {
    assert.is(r.code, 0, r.stderr)
    assert.equal((await readdir(target)).sort(), [...names].sort(), 'each is one entry of the target')
    for (const name of names) assert.is(await readFile(join(target, name), 'utf8'), FILE_BYTES)
    assert.equal(Object.keys(r.after).filter(p => !(p in r.before)).sort(), ['reserved', ...names.map(n => `reserved/${n}`)].sort(), 'nothing else appeared')
  }
  assert.not.ok(r.outsideChanged)
  await rm(target, { recursive: true, force: true })
})

test('links under the names of a file\'s partial and state files, left by an earlier run, are not written through', async () => {
  // what an interrupted get of this tree left: its hidden tree, with the manifest's links
  // made in it (allowed out by --allow-escaping-links), and the file to write again
  const id = partialPaths(join('t', 'x'), parseCapability(fileUri).cid)
  const part = id.data.slice(2)
  const state = id.state.slice(2)
  const uri = await hostileDirectory([
    { name: part, type: 'symlink', target: join(outside, 'victim') },
    { name: state, type: 'symlink', target: join(outside, 'victim') },
    { name: `${state}.tmp`, type: 'symlink', target: join(outside, 'victim') },
    { name: 'x', type: 'file' }
  ].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))) as Entry[])
  const target = join(out, 'linked')
  const temp = partialPaths(target, parseCapability(uri).cid).data
  await mkdir(temp)
  for (const name of [part, state, `${state}.tmp`]) await symlink(join(outside, 'victim'), join(temp, name))

  const r = await get(uri, ['-o', target, '--allow-escaping-links'])
  assert.is(r.code, 0, r.stderr)
  assert.not.ok(r.outsideChanged, 'the victim outside is untouched')
  assert.is(await readFile(join(outside, 'victim'), 'utf8'), 'must never change\n')
  assert.is(await readFile(join(target, 'x'), 'utf8'), FILE_BYTES)
  assert.is(await readlink(join(target, part)), join(outside, 'victim'), 'the links are restored as recorded, last')
  await rm(target, { recursive: true, force: true })
})

test.run()
