// Hostile bytes on /shoal/chunk/1.0.0 against a real `shoal node` process: garbage, a
// frame claiming 4 GiB, a PUT whose bytes miss its CID, a GET of a malformed CID and
// 1,000 requests at once. Each gets its typed answer (or a closed stream), and after
// each the vault process is alive and still serves a normal GET.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { createNode, RemoteError, type ShoalNode } from '@shoal/node'
import { PROTOCOL_ID, decodeFrames, decodeResponse, encodeFrame, encodeRequest, type Response } from '@shoal/protocol'
import { encodeCbor } from '@shoal/manifest'
import { createTestnet, type Testnet } from './helpers/testnet.js'

let net: Testnet
let work = ''
let client: ShoalNode
let vault: PeerId
const bytes = randomBytes(64 * 1024)
const cid = CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(bytes).digest()))

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-hostile-'))
  net = await createTestnet({ nodes: 1 })
  vault = peerIdFromString(net.nodes[0].peerId)
  client = createNode({ dataDir: join(work, 'client'), listen: ['/ip4/127.0.0.1/tcp/0'], space: 0, clientMode: true, bootstrap: [net.bootstrap] })
  await client.start()
  await client.chunks.put(vault, cid, bytes, { signal: AbortSignal.timeout(10_000) })
})
test.after(async () => {
  await client?.stop()
  await net?.stop()
  await rm(work, { recursive: true, force: true })
})

async function stillServes (): Promise<void> {
  assert.is(net.nodes[0].process.exitCode, null, 'the vault process is alive')
  const back = await client.chunks.get(vault, cid, { signal: AbortSignal.timeout(10_000) })
  assert.ok(back !== null && Buffer.compare(back, bytes) === 0, 'the vault still serves a normal GET')
}

/** Sends raw bytes on a fresh chunk stream, half-closes, and reads what comes back until the stream ends. */
async function exchangeRaw (payload: Uint8Array): Promise<{ answers: Response[], raw: number }> {
  const stream: Stream = await client.libp2p.dialProtocol(vault, PROTOCOL_ID, { signal: AbortSignal.timeout(10_000) })
  const pieces: Uint8Array[] = []
  const done = new Promise<void>(resolve => {
    stream.addEventListener('message', (evt) => { const d = evt.data; pieces.push(d instanceof Uint8Array ? d : d.subarray()) })
    stream.addEventListener('close', () => resolve())
    setTimeout(resolve, 15_000)
  })
  try {
    stream.send(payload)
    await stream.close({ signal: AbortSignal.timeout(10_000) })
  } catch {} // the vault may reset the stream before we finish: that is a fine answer
  await done
  const all = Buffer.concat(pieces)
  const answers: Response[] = []
  try {
    for await (const body of decodeFrames((async function * () { yield all })())) answers.push(decodeResponse(body))
  } catch {}
  return { answers, raw: all.length }
}

test('garbage bytes: the stream ends with at most an error answer; the vault keeps serving', async () => {
  const garbage = new Uint8Array(64 * 1024)
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff
  const { answers, raw } = await exchangeRaw(garbage)
  assert.ok(raw < 2048, `${raw} bytes came back`)
  assert.ok(answers.every(a => a.type === 'err'), JSON.stringify(answers))
  await stillServes()
})

test('a frame claiming 4 GiB is refused after its prefix; the vault keeps serving', async () => {
  const { raw } = await exchangeRaw(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10, 1, 2, 3]))
  assert.is(raw, 0, 'nothing is answered to a frame that cannot be read')
  await stillServes()
})

test('a PUT whose bytes do not hash to its CID: INTEGRITY, nothing stored; the vault keeps serving', async () => {
  const other = randomBytes(1024)
  const lie = CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(randomBytes(8)).digest()))
  const err = await client.chunks.put(vault, lie, other, { signal: AbortSignal.timeout(10_000) }).then(() => null, (e: unknown) => e)
  assert.ok(err instanceof RemoteError && err.wireCode === 'INTEGRITY', String(err))
  assert.equal(await client.chunks.has(vault, [lie], { signal: AbortSignal.timeout(10_000) }), [false])
  await stillServes()
})

test('a GET of a malformed CID: BAD_REQUEST with the request id; the vault keeps serving', async () => {
  const frame = encodeFrame(encodeCbor({ v: 1, t: 'get', id: 77, cid: Uint8Array.from([1, 2, 3]) }))
  const { answers } = await exchangeRaw(frame)
  assert.is(answers.length, 1)
  assert.is(answers[0].id, 77)
  assert.is(answers[0].type, 'err')
  assert.is((answers[0] as Response & { code: string }).code, 'BAD_REQUEST')
  await stillServes()
})

test('1,000 requests at once from one peer: every one answered in order, some RATE_LIMITED; the vault keeps serving', async () => {
  const frames = Array.from({ length: 1000 }, (_, i) => encodeFrame(encodeRequest({ type: 'has', id: i + 1, cids: [cid] })))
  const { answers } = await exchangeRaw(Buffer.concat(frames))
  assert.is(answers.length, 1000)
  assert.equal(answers.map(a => a.id), Array.from({ length: 1000 }, (_, i) => i + 1))
  const limited = answers.filter(a => a.type === 'err' && a.code === 'RATE_LIMITED').length
  assert.ok(limited > 0, 'some were rate limited')
  assert.ok(answers.every(a => a.type === 'have' || (a.type === 'err' && a.code === 'RATE_LIMITED')))
  await new Promise(resolve => setTimeout(resolve, 500)) // the bucket refills
  await stillServes()
})

test.run()
