// The daemon's API as plain HTTP clients use it: `curl --data-binary @file` (which says
// application/x-www-form-urlencoded) uploads the file; only multipart is refused, since
// its framing would be stored as the file. A Range whose last byte comes before its
// first is invalid, and RFC 9110 says to ignore it: 200 and the whole file.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startNode, type RunningNode } from './helpers/node.js'

const run = promisify(execFile)
let work = ''
let node: RunningNode
let token = ''
const data = randomBytes(300_000)

async function call (path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  headers.set('authorization', `Bearer ${token}`)
  return await fetch(node.api + path, { ...init, headers, signal: AbortSignal.timeout(10_000) })
}

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-api-http-'))
  node = await startNode(['--space', '64MiB', '--data', join(work, 'node'), '--listen', '/ip4/127.0.0.69/tcp/0', '--replicas', '1'])
  token = (await readFile(join(work, 'node', 'api-token'), 'utf8')).trim()
  await writeFile(join(work, 'file.bin'), data)
})
test.after(async () => {
  await node?.stop()
  await rm(work, { recursive: true, force: true })
})

test('curl --data-binary @file uploads the file as it is, and it comes back byte for byte', async () => {
  const { stdout } = await run('curl', ['-sS', '--fail-with-body', '--data-binary', `@${join(work, 'file.bin')}`,
    '-H', `Authorization: Bearer ${token}`, `${node.api}/v1/files?name=file.bin`])
  const put = JSON.parse(stdout) as { uri: string, size: number }
  assert.is(put.size, data.length)
  const get = await call(`/v1/files/${encodeURIComponent(put.uri)}`)
  assert.is(get.status, 200)
  assert.is(Buffer.compare(Buffer.from(await get.arrayBuffer()), data), 0)
})

test('any content type but multipart is a raw body; multipart/form-data is 415', async () => {
  for (const type of ['application/x-www-form-urlencoded', 'text/plain; charset=utf-8', 'image/png']) {
    const put = await call('/v1/files', { method: 'POST', body: data.subarray(0, 1000), headers: { 'content-type': type } })
    assert.is(put.status, 201, type)
    assert.is(((await put.json()) as { size: number }).size, 1000, type)
  }
  const form = await call('/v1/files', { method: 'POST', body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=abc' } })
  assert.is(form.status, 415)
  const error = ((await form.json()) as { error: { code: string, message: string } }).error
  assert.is(error.code, 'ERR_UNSUPPORTED_MEDIA_TYPE')
  assert.match(error.message, /curl --data-binary @FILE/)
})

test('Range: an invalid one (last before first, bad syntax, another unit) is ignored: 200 and the whole file; a valid one past the end is still 416', async () => {
  const put = await call('/v1/files', { method: 'POST', body: data })
  const path = `/v1/files/${encodeURIComponent(((await put.json()) as { uri: string }).uri)}`
  for (const range of ['bytes=10-5', 'bytes=0-9,10-5', 'bytes=abc', 'bytes=5', 'items=0-9']) {
    const whole = await call(path, { headers: { range } })
    assert.is(whole.status, 200, range)
    assert.is(whole.headers.get('content-range'), null, range)
    assert.is(Buffer.compare(Buffer.from(await whole.arrayBuffer()), data), 0, range)
  }
  const slice = await call(path, { headers: { range: 'bytes=5-10' } })
  assert.is(slice.status, 206)
  assert.is(slice.headers.get('content-range'), `bytes 5-10/${data.length}`)
  assert.is(Buffer.compare(Buffer.from(await slice.arrayBuffer()), data.subarray(5, 11)), 0)
  const past = await call(path, { headers: { range: `bytes=${data.length}-` } })
  assert.is(past.status, 416)
  assert.is(past.headers.get('content-range'), `bytes */${data.length}`)
  await past.body?.cancel()
})

test.run()
