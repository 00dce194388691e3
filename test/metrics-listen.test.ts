// `shoal node --metrics-listen`: /metrics alone, without the token, on an address of its
// own (what the compose network's Prometheus scrapes); every other path there is 404, and
// the API keeps asking for its token, /metrics included.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNode, type RunningNode } from './helpers/node.js'

let work = ''
let node: RunningNode
let metrics = ''

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-metrics-listen-'))
  node = await startNode(['--data', join(work, 'n'), '--space', '64MiB', '--listen', '/ip4/127.0.0.71/tcp/0', '--api', '127.0.0.71:0', '--metrics-listen', '127.0.0.72:0'])
  metrics = node.metrics ?? ''
})
test.after(async () => {
  await node?.stop()
  await rm(work, { recursive: true, force: true })
})

test('the start line names the scrape address; a scrape there needs no token and has the vault metrics', async () => {
  assert.match(metrics, /^http:\/\/127\.0\.0\.72:\d+\/metrics$/)
  const res = await fetch(metrics, { signal: AbortSignal.timeout(10_000) })
  assert.is(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
  const text = await res.text()
  assert.match(text, /^shoal_store_space_bytes \d+/m)
  assert.match(text, /^# HELP shoal_chunk_request_duration_seconds /m)
})

test('nothing else is served there, and the API still wants its token for /metrics', async () => {
  for (const path of ['/', '/v1/status', '/metricsx', '/v1/files']) {
    const res = await fetch(metrics.replace('/metrics', path), { signal: AbortSignal.timeout(10_000) })
    assert.is(res.status, 404, path)
  }
  const post = await fetch(metrics, { method: 'POST', body: 'x', signal: AbortSignal.timeout(10_000) })
  assert.is(post.status, 404)
  const api = await fetch(`${node.api}/metrics`, { signal: AbortSignal.timeout(10_000) })
  assert.is(api.status, 401)
})

test.run()
