// Child process for the crash test: puts a stream of random chunks (1 B to 1 MiB) with a
// few in flight at once, and now and then deletes one it stored. A line goes to stdout
// only after the operation resolved, so every printed line is an acknowledgement:
//   +<cid>   put resolved (the chunk must survive any crash from here on)
//   ~<cid>   put started (from here the chunk may or may not exist after a crash)
//   ?<cid>   delete started (from here the chunk may or may not survive a crash)
//   -<cid>   delete resolved (the chunk must stay gone)
// It never stops by itself; the parent kills it with SIGKILL.
import { randomBytes, randomInt } from 'node:crypto'
import { createStore } from '../../src/index.js'
import { cidOf } from '../helpers.js'
import type { CID } from 'multiformats/cid'

const [dir, inFlightArg] = process.argv.slice(2)
const inFlight = Number(inFlightArg ?? 4)
const store = createStore({ dir, space: Number.MAX_SAFE_INTEGER })
await store.start()

const acked: CID[] = []

function randomSize (): number {
  // log-uniform between 1 B and 1 MiB, so both tiny and large chunks are common
  return Math.max(1, Math.min(1 << 20, Math.round(2 ** (Math.random() * 20))))
}

async function worker (): Promise<void> {
  for (;;) {
    if (acked.length > 8 && randomInt(10) === 0) {
      const [cid] = acked.splice(randomInt(acked.length), 1)
      process.stdout.write(`?${cid.toString()}\n`)
      if (await store.delete(cid)) process.stdout.write(`-${cid.toString()}\n`)
      continue
    }
    const bytes = new Uint8Array(randomBytes(randomSize()))
    const cid = cidOf(bytes)
    // Tiny chunks repeat (a 1-byte chunk has 256 values), so a put can bring back a chunk
    // deleted earlier: say when a put starts, so the parent knows the outcome is open.
    process.stdout.write(`~${cid.toString()}\n`)
    await store.put(cid, bytes)
    acked.push(cid)
    process.stdout.write(`+${cid.toString()}\n`)
  }
}

await Promise.all(Array.from({ length: inFlight }, worker))
