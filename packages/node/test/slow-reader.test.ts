import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { encodeFrame } from '@shoal/protocol'
import { readFrames, sendBytes } from '../src/stream-io.js'
import { startNodes } from './helpers.js'

// A reader slower than its sender makes readFrames pause and resume the stream over and
// over. libp2p v3's resume() hands the data buffered while paused to our 'message'
// handler first and only then grants the sender window again, so a pause made inside
// that handler was undone at once, the read buffer outgrew its limit and the stream was
// reset (StreamBufferError) midway: a download or a PUT batch failed under load.
const PROTOCOL = '/shoal-test/slow-reader/1.0.0'

test('a reader far slower than its sender gets every frame, in order, and the stream is never reset', async () => {
  const net = await startNodes(2, { bootstrap: false })
  try {
    const frames = Array.from({ length: 200 }, () => randomBytes(256 * 1024))
    const got: Buffer[] = []
    let failure: unknown = null
    const done = new Promise<void>(resolve => {
      void net.nodes[1].libp2p.handle(PROTOCOL, async (stream) => {
        try {
          for await (const body of readFrames(stream)) {
            got.push(Buffer.from(body))
            await delay(5) // a slow disk, say
          }
        } catch (err) {
          failure = err
        } finally {
          resolve()
        }
      })
    })
    const stream = await net.nodes[0].libp2p.dialProtocol(net.nodes[1].multiaddrs[0], PROTOCOL)
    for (const frame of frames) await sendBytes(stream, encodeFrame(frame))
    await stream.close()
    await done
    assert.is(failure, null, `reader failed: ${(failure as Error)?.message}`)
    assert.is(got.length, frames.length)
    for (let i = 0; i < frames.length; i++) assert.ok(got[i].equals(frames[i]), `frame ${i} differs`)
  } finally {
    await net.stop()
  }
})

test.run()
