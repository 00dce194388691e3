import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createStore, StoreLockedError } from '../src/index.js'
import { makeTempDir, randomChunk, rejects, removeDir } from './helpers.js'

const holderScript = join(dirname(fileURLToPath(import.meta.url)), 'tools', 'store-holder.js')

/** Runs the holder child in `try` mode and returns what it reported. */
async function tryFromChild (dir: string): Promise<{ ok: boolean, name?: string, code?: string, message?: string }> {
  const child = spawn(process.execPath, [holderScript, 'try', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', d => { out += String(d) })
  await new Promise(resolve => child.on('close', resolve))
  return JSON.parse(out)
}

/** Starts a holder child that keeps the store open; resolves once it has. */
async function holdFromChild (dir: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, [holderScript, 'hold', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', d => { if (String(d).includes('ready')) resolve() })
    child.on('close', code => reject(new Error(`holder exited early (${code})`)))
  })
  return child
}

test('a second store on the same dir in this process fails with StoreLockedError', async () => {
  const dir = await makeTempDir()
  const first = createStore({ dir, space: 1e6 })
  const second = createStore({ dir, space: 1e6 })
  try {
    await first.start()
    const err = await rejects(second.start())
    assert.instance(err, StoreLockedError)
    assert.is(err.code, 'ERR_STORE_LOCKED')
    assert.is(err.dir, dir)
    // the first is unharmed
    const chunk = randomChunk(100)
    assert.is(await first.put(chunk.cid, chunk.bytes), true)
    await first.stop()
    // and once it is gone the second may open
    await second.start()
    assert.is(await second.has(chunk.cid), true)
    await second.stop()
  } finally {
    await first.stop()
    await second.stop()
    await removeDir(dir)
  }
})

test('a store open here locks out another process', async () => {
  const dir = await makeTempDir()
  const store = createStore({ dir, space: 1e6 })
  try {
    await store.start()
    const result = await tryFromChild(dir)
    assert.is(result.ok, false)
    assert.is(result.name, 'StoreLockedError')
    assert.is(result.code, 'ERR_STORE_LOCKED')
  } finally {
    await store.stop()
    await removeDir(dir)
  }
})

test('a store open in another process locks us out until that process dies', async () => {
  const dir = await makeTempDir()
  const child = await holdFromChild(dir)
  const store = createStore({ dir, space: 1e6 })
  try {
    assert.instance(await rejects(store.start()), StoreLockedError)
    child.kill('SIGKILL')
    await new Promise(resolve => child.on('close', resolve))
    await store.start() // a crashed holder leaves no stale lock behind
    assert.equal((await store.stats()).chunks, 0)
  } finally {
    child.kill('SIGKILL')
    await store.stop()
    await removeDir(dir)
  }
})

test.run()
