import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import { createStore } from '../src/index.js'
import { blobFiles, cidOf, filesIn, makeTempDir, removeDir } from './helpers.js'

const writerScript = join(dirname(fileURLToPath(import.meta.url)), 'tools', 'crash-writer.js')

/** The writer's lines in the order it wrote them: `~` put started, `+` put acknowledged, `?` delete started, `-` delete acknowledged. */
interface Acks { events: Array<{ op: '~' | '+' | '?' | '-', cid: string }>, puts: number }

/**
 * Runs the writer child on `dir`, lets it acknowledge at least `minAcks` puts, then kills
 * it with SIGKILL at a random moment shortly after. Returns what it acknowledged.
 */
async function writeUntilKilled (dir: string, minAcks: number): Promise<Acks> {
  const child = spawn(process.execPath, [writerScript, dir, '4'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const acks: Acks = { events: [], puts: 0 }
  let pending = ''
  let stderr = ''
  let killing = false
  const guard = setTimeout(() => { stderr += '\n[test] writer made no progress in 60 s'; child.kill('SIGKILL') }, 60_000)
  child.stderr.on('data', d => { stderr += String(d) })
  child.stdout.on('data', d => {
    pending += String(d)
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const op = line[0]
      if (op === '~' || op === '+' || op === '?' || op === '-') acks.events.push({ op, cid: line.slice(1) })
      if (op === '+') acks.puts++
    }
    if (!killing && acks.puts >= minAcks) {
      killing = true
      setTimeout(() => child.kill('SIGKILL'), randomInt(40))
    }
  })
  const signal = await new Promise<NodeJS.Signals | null>(resolve => child.on('close', (_code, sig) => resolve(sig)))
  clearTimeout(guard)
  assert.is(signal, 'SIGKILL', `writer should die only by SIGKILL; stderr: ${stderr}`)
  assert.ok(acks.puts >= minAcks, `writer acknowledged only ${acks.puts} puts; stderr: ${stderr}`)
  return acks
}

/** Everything acknowledged is there, nothing half-made is, and the books match the disk. */
async function verify (dir: string, held: Set<string>, deleted: Set<string>, round: string): Promise<void> {
  const store = createStore({ dir, space: Number.MAX_SAFE_INTEGER })
  await store.start()
  try {
    for (const text of held) {
      const cid = CID.parse(text)
      const bytes = await store.get(cid)
      assert.ok(bytes != null, `${round}: acknowledged chunk ${text} is missing`)
      assert.ok(cidOf(bytes).equals(cid), `${round}: acknowledged chunk ${text} came back with other bytes`)
    }
    for (const text of deleted) {
      assert.is(await store.has(CID.parse(text)), false, `${round}: deleted chunk ${text} came back`)
    }
    assert.equal(await filesIn(join(dir, 'tmp')), [], `${round}: tmp/ not empty`)
    const files = await blobFiles(dir)
    const bad = files.filter(f => !f.intact).map(f => f.path)
    assert.equal(bad, [], `${round}: blobs that fail their hash or sit in the wrong place`)
    const stats = await store.stats()
    assert.is(stats.bytes, files.reduce((n, f) => n + f.size, 0), `${round}: stats.bytes vs bytes on disk`)
    assert.is(stats.chunks, files.length, `${round}: stats.chunks vs blob files`)
    let listed = 0
    for await (const _ of store.list()) listed++
    assert.is(listed, files.length, `${round}: listed vs blob files`)
  } finally {
    await store.stop()
  }
}

test('chunks acknowledged before a SIGKILL survive it, and the store comes back exact', async () => {
  const dir = await makeTempDir()
  const held = new Set<string>()
  const deleted = new Set<string>()
  // The last acknowledged operation on a CID decides what must hold; an operation still in
  // flight at the kill may or may not have happened, so then expect neither.
  const record = (acks: Acks): void => {
    const putsInFlight = new Set<string>()
    for (const { op, cid } of acks.events) {
      if (op === '~') putsInFlight.add(cid)
      if (op === '+') { putsInFlight.delete(cid); held.add(cid); deleted.delete(cid) }
      if (op === '?') held.delete(cid)
      if (op === '-') { held.delete(cid); deleted.add(cid) }
    }
    for (const cid of putsInFlight) deleted.delete(cid)
  }
  try {
    // Rounds: plain kill; kill twice before anyone checks (the writer itself recovers);
    // kill and lose the whole index, which is the most an unsynced index write can lose.
    const rounds: Array<{ check: boolean, loseIndex?: boolean }> = [
      { check: true }, { check: false }, { check: true }, { check: true, loseIndex: true },
      { check: true }, { check: false }, { check: true }, { check: true, loseIndex: true }
    ]
    for (const [i, round] of rounds.entries()) {
      record(await writeUntilKilled(dir, randomInt(3, 40)))
      // Before any recovery runs: a blob under its real name is never partial.
      const partial = (await blobFiles(dir)).filter(f => !f.intact).map(f => `${f.path} (${f.size} B)`)
      assert.equal(partial, [], `round ${i}: partial or wrong blobs under real names right after the kill`)
      if (round.loseIndex === true) await rm(join(dir, 'index'), { recursive: true, force: true })
      if (round.check) await verify(dir, held, deleted, `round ${i}`)
    }
    assert.ok(held.size > 20, `only ${held.size} chunks acknowledged in all`)
  } finally {
    await removeDir(dir)
  }
})

test.run()
