// The repair loop on the in-memory network (virtual clock, seeded): lost copies come back,
// a closer vault receives its chunks and the old holder frees them, a leaving vault hands
// off first, audits catch holders that lose or alter chunks, scrubbing replaces a corrupt blob.
import { test } from 'uvu'
import { createNetworkSink } from '../src/placement.js'
import { packBitmap } from '@shoal/protocol'
import * as assert from 'uvu/assert'
import { chunkKey, sortByDistance, type MemoryNode } from '../src/memory.js'
import { countRequests, holdersOf, periods, placeLeased, REPAIR_INTERVAL, repairTestnet, rotBlob, seededChunk, type Chunk, type MemoryTestnet } from './memory-helpers.js'

const KiB = 1024

async function addNode (t: MemoryTestnet): Promise<MemoryNode> {
  return await t.net.add()
}

/** The live nodes holding the chunk with exactly its bytes. */
async function exactHolders (t: MemoryTestnet, chunk: Chunk): Promise<MemoryNode[]> {
  const held = await Promise.all(t.nodes.map(async n => {
    if (!n.up) return false
    const bytes = await n.store?.get(chunk.cid).catch(() => null)
    return bytes != null && Buffer.from(bytes).equals(chunk.bytes)
  }))
  return t.nodes.filter((_, i) => held[i])
}

/** The `r` closest live nodes (not `except`) all hold the chunk's exact bytes. */
async function assertAtTarget (t: MemoryTestnet, chunk: Chunk, r = 3, except: MemoryNode[] = []): Promise<void> {
  const live = t.nodes.filter(n => n.up && !except.includes(n)).map(n => n.peerId)
  const closest = sortByDistance(chunkKey(chunk.cid), live).slice(0, r).map(String)
  const holders = (await exactHolders(t, chunk)).map(n => n.peerId.toString())
  assert.ok(closest.every(p => holders.includes(p)), `${chunk.cid.toString()}: the ${r} closest live nodes hold it (${holders.length} hold it)`)
}

test('two of ten vaults killed: after two periods every chunk is back on its 3 closest live vaults, exact, each lost copy put once', async () => {
  const t = await repairTestnet(10, 21)
  try {
    const chunks = Array.from({ length: 40 }, (_, i) => seededChunk(t.random, 4 * KiB + i * 64))
    for (const chunk of chunks) await placeLeased(t.nodes, chunk)
    const victims = [t.nodes[3], t.nodes[7]]
    let lost = 0
    for (const chunk of chunks) lost += (await exactHolders(t, chunk)).filter(n => victims.includes(n)).length
    for (const v of victims) v.kill()
    const from = t.net.trace.length
    await periods(t, 2)
    for (const chunk of chunks) await assertAtTarget(t, chunk)
    assert.ok(lost > 10, `the two vaults held copies (${lost})`)
    assert.is(countRequests(t.net, 'put', from), lost, 'one PUT per lost copy: the holders did not all copy')
    const repaired = t.nodes.reduce((sum, n) => sum + (n.repairer?.metrics().chunksRepaired ?? 0), 0)
    assert.ok(repaired > 0 && repaired <= lost)
  } finally { await t.net.stop() }
})

test('a closer vault joining receives the chunks it is now closest to, and the vault pushed out frees them', async () => {
  const t = await repairTestnet(8, 22)
  try {
    const chunks = Array.from({ length: 60 }, (_, i) => seededChunk(t.random, 2 * KiB + i))
    for (const chunk of chunks) await placeLeased(t.nodes, chunk)
    const newcomer = await addNode(t)
    const its = chunks.filter(c => sortByDistance(chunkKey(c.cid), t.nodes.map(n => n.peerId)).slice(0, 3).some(p => p.equals(newcomer.peerId)))
    assert.ok(its.length > 5, `the newcomer is among the closest for some chunks (${its.length})`)
    await periods(t, 2)
    for (const chunk of chunks) {
      await assertAtTarget(t, chunk)
      assert.is((await exactHolders(t, chunk)).length, 3, 'no copy beyond the 3 closest is kept')
    }
    const handedOff = t.nodes.reduce((sum, n) => sum + (n.repairer?.metrics().handedOff ?? 0), 0)
    assert.is(handedOff, its.length)
  } finally { await t.net.stop() }
})

test('a vault that drains before leaving hands on every chunk its going leaves short', async () => {
  const t = await repairTestnet(8, 23)
  try {
    const chunks = Array.from({ length: 30 }, (_, i) => seededChunk(t.random, 3 * KiB + i))
    for (const chunk of chunks) await placeLeased(t.nodes, chunk)
    const leaving = t.nodes[2]
    const mine = (await Promise.all(chunks.map(async c => await leaving.store?.has(c.cid) === true))).filter(Boolean).length
    // no repair period passes: only the drain can restore them
    const outcome = await t.clock.run(async () => await (leaving.repairer as NonNullable<MemoryNode['repairer']>).drain({ deadlineMs: 5_000 }))
    leaving.leave()
    assert.equal(outcome, { handedOff: mine, failed: 0, timedOut: false })
    for (const chunk of chunks) await assertAtTarget(t, chunk)
  } finally { await t.net.stop() }
})

test('chunks a version 1 peer stored (under the unsigned legacy lease, alone or beside a signed one) are repaired too', async () => {
  const t = await repairTestnet(10, 33)
  try {
    const uploader = t.nodes[0]
    const legacyOnly = Array.from({ length: 12 }, (_, i) => seededChunk(t.random, 3 * KiB + i))
    const both = Array.from({ length: 12 }, (_, i) => seededChunk(t.random, 5 * KiB + i))
    await t.clock.run(async () => {
      for (const chunk of [...legacyOnly, ...both]) {
        const closest = sortByDistance(chunkKey(chunk.cid), t.nodes.map(n => n.peerId)).slice(0, 3)
        // a version 1 PUT: no target, no lease
        for (const peer of closest) if (!peer.equals(uploader.peerId)) await uploader.chunks.put(peer, chunk.cid, chunk.bytes)
      }
    })
    for (const chunk of both) await placeLeased(t.nodes, chunk)
    for (const chunk of legacyOnly) {
      const leases = (await Promise.all(t.nodes.map(async n => await n.store?.record(chunk.cid)))).flatMap(r => r?.leases ?? [])
      assert.ok(leases.length > 0 && leases.every(l => l.owner.byteLength === 0), 'held under the legacy lease alone')
    }
    const victims = [t.nodes[2], t.nodes[6]]
    for (const v of victims) v.kill()
    await periods(t, 2)
    for (const chunk of [...legacyOnly, ...both]) await assertAtTarget(t, chunk)
  } finally { await t.net.stop() }
})

test('an expired chunk is collected by its holders, and its owner is no longer charged for it there', async () => {
  const t = await repairTestnet(6, 35)
  try {
    const uploader = t.nodes[0]
    const chunk = seededChunk(t.random, 8 * KiB)
    await t.clock.run(async () => {
      await createNetworkSink(uploader, { clock: t.clock, random: t.random, leaseMs: REPAIR_INTERVAL }).put(chunk.cid, chunk.bytes)
    })
    const holders = t.nodes.filter(n => n !== uploader)
    const charged = async (): Promise<number> => (await Promise.all(holders.map(async n => (await n.store?.peerRecord(uploader.peerId.toString()))?.storedFor ?? 0))).reduce((a, b) => a + b, 0)
    assert.ok(await charged() >= 2 * chunk.bytes.byteLength, 'the holders charged the uploader')
    await periods(t, 3)
    assert.equal(await holdersOf(t.nodes, chunk), [], 'collected everywhere')
    assert.is(await charged(), 0)
  } finally { await t.net.stop() }
})

test('a holder that silently deletes chunks (still saying HAS) is marked bad by audits and its chunks are restored elsewhere', async () => {
  const t = await repairTestnet(8, 22, { auditSample: 8, auditChance: 1 })
  try {
    const chunks = Array.from({ length: 40 }, (_, i) => seededChunk(t.random, 2 * KiB + i))
    for (const chunk of chunks) await placeLeased(t.nodes, chunk)
    // the vault holding the most of them lies
    const heldBy = await Promise.all(t.nodes.map(async n => (await Promise.all(chunks.map(async c => (await n.store?.has(c.cid)) === true ? c : null))).filter(c => c !== null)))
    const most = heldBy.reduce((best, held, i) => held.length > heldBy[best].length ? i : best, 0)
    const liar = t.nodes[most]
    const store = liar.store as NonNullable<MemoryNode['store']>
    for (const c of heldBy[most]) await store.delete(c.cid)
    assert.ok(heldBy[most].length > 0, 'the liar held some of them')
    liar.behave(async (request, _from, honest) => request.type === 'has'
      ? { type: 'have', id: request.id, bitmap: packBitmap(request.cids.map(() => true)) }
      : await honest(request))
    // a holder marks it bad after 3 failed audits in a row of its own, on samples of 8
    // chunks a period: over seeds 20-40, 6 periods sufficed but for this one, which takes 12
    await periods(t, 12)
    const judges = t.nodes.filter(n => n !== liar && n.repairer?.isBad(liar.peerId) === true)
    assert.ok(judges.length > 0, 'some vault marked the liar bad')
    for (const chunk of chunks) await assertAtTarget(t, chunk, 3, [liar])
  } finally { await t.net.stop() }
})

test('a holder that serves wrong bytes fails its audits, is marked bad with the reason, and its chunks are restored elsewhere', async () => {
  const t = await repairTestnet(8, 25, { auditSample: 8, auditChance: 1 })
  try {
    const chunks = Array.from({ length: 40 }, (_, i) => seededChunk(t.random, 2 * KiB + i))
    for (const chunk of chunks) await placeLeased(t.nodes, chunk)
    const liar = t.nodes[1]
    liar.behave(async (request, _from, honest) => {
      const answer = await honest(request)
      if (answer.type === 'proof') return { ...answer, digest: answer.digest.map(b => b ^ 1) }
      if (answer.type === 'data') return { ...answer, bytes: answer.bytes.map(b => b ^ 1) }
      return answer
    })
    await periods(t, 6)
    const judge = t.nodes.find(n => n !== liar && n.repairer?.isBad(liar.peerId) === true)
    assert.ok(judge !== undefined, 'some vault marked the liar bad')
    const record = await judge.store?.peerRecord(liar.peerId.toString())
    assert.match(record?.bad?.reason ?? '', /wrong proof/)
    for (const chunk of chunks) await assertAtTarget(t, chunk, 3, [liar])
  } finally { await t.net.stop() }
})

test('scrubbing finds a corrupt blob and replaces it from another holder, leases kept', async () => {
  const t = await repairTestnet(6, 26, { auditSample: 0 })
  try {
    const chunk = seededChunk(t.random, 8 * KiB)
    const [holder] = await placeLeased(t.nodes, chunk)
    const store = holder.store as NonNullable<MemoryNode['store']>
    const leases = await rotBlob(holder, chunk, 100)
    await periods(t, 1)
    assert.is(holder.repairer?.metrics().corruptReplaced, 1)
    assert.ok(Buffer.from(await store.get(chunk.cid) ?? []).equals(chunk.bytes), 'the good bytes are back')
    assert.equal((await store.record(chunk.cid))?.leases, leases)
  } finally { await t.net.stop() }
})

test.run()
