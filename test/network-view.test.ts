// The daemon's shared network view: one random-key lookup serves the API's requests for a
// while (a directory through the API is one request per file). A counting lookup stands in
// for the DHT, as in @shoal/node's cached-lookup test.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type * as NetworkViewModule from '../apps/shoal/src/daemon/network-view.js'

const { networkView } = await import(new URL('../../apps/shoal/dist/src/daemon/network-view.js', import.meta.url).href) as typeof NetworkViewModule

const peer = peerIdFromString('12D3KooWEjf8fBWJ7tQu4w36SEX2jMCEx8DDoTmQyXQEofXK8yFr')
const never = new AbortController().signal

function counting (answer: () => Promise<PeerId[]>): { asked: number, closestPeers: () => Promise<PeerId[]> } {
  const node = {
    asked: 0,
    closestPeers: async () => {
      node.asked++
      return await answer()
    }
  }
  return node
}

test('concurrent and later requests share one lookup while it is fresh; an old one is asked again', async () => {
  const node = counting(async () => [peer])
  const view = networkView(node, 200)
  // twenty requests, each with its own signal, as the API's are
  const answers = await Promise.all(Array.from({ length: 20 }, async () => await view(new AbortController().signal)))
  assert.is(node.asked, 1)
  assert.ok(answers.every(a => a?.[0].equals(peer)))
  await view(never)
  assert.is(node.asked, 1, 'still fresh')
  await new Promise(resolve => setTimeout(resolve, 300))
  await view(never)
  assert.is(node.asked, 2, 'older than the TTL: looked up again')
})

test('a failed or empty lookup gives undefined (the request looks up itself) and is not kept', async () => {
  let fail = true
  const node = counting(async () => {
    if (fail) throw new Error('no peers')
    return []
  })
  const view = networkView(node, 60_000)
  assert.is(await view(never), undefined)
  fail = false
  assert.is(await view(never), undefined, 'empty')
  assert.is(node.asked, 2, 'the failure was not cached')
  await view(never)
  assert.is(node.asked, 3, 'nor the empty answer')
})

test('a request that goes away stops waiting at once; the shared lookup still serves the others', async () => {
  let release: (peers: PeerId[]) => void = () => {}
  const node = counting(async () => await new Promise<PeerId[]>(resolve => { release = resolve }))
  const view = networkView(node, 60_000)
  const gone = new AbortController()
  const waiting = view(gone.signal)
  const other = view(never)
  gone.abort(new Error('client left'))
  let error: unknown
  try { await waiting } catch (err) { error = err }
  assert.ok(error instanceof Error && error.message === 'client left', String(error))
  release([peer]) // the lookup answers only now, after the abort was seen
  assert.ok((await other)?.[0].equals(peer))
  assert.is(node.asked, 1)
})

test.run()
