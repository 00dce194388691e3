// The daemon's HTTP API over real TCP against a 4-process testnet: authentication,
// streaming put/get across nodes, Range, errors as JSON, directories, status.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { createTestnet, type Testnet, type TestnetNode } from './helpers/testnet.js'

let net: Testnet
const tokens = new Map<TestnetNode, string>()
const data = randomBytes(5 * 1024 * 1024 + 333)
let fileUri = ''
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

async function call (node: TestnetNode, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const token = init.token === undefined ? tokens.get(node) : init.token
  const headers = new Headers(init.headers)
  if (token !== null && token !== undefined) headers.set('authorization', `Bearer ${token}`)
  return await fetch(node.api + path, { ...init, headers })
}

async function errorOf (res: Response): Promise<{ code: string, message: string }> {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
  return ((await res.json()) as { error: { code: string, message: string } }).error
}

const filePath = (uri: string): string => `/v1/files/${encodeURIComponent(uri)}`

test.before(async () => {
  net = await createTestnet({ nodes: 4 })
  for (const node of net.nodes) tokens.set(node, (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim())
})
test.after(async () => { await net?.stop() })

test('every node prints its API url on its own loopback host and keeps a 0600 token', async () => {
  for (const [i, node] of net.nodes.entries()) {
    assert.match(node.api, new RegExp(`^http://127\\.0\\.0\\.${2 + i}:\\d+$`))
    const endpoint = JSON.parse(await readFile(join(node.dataDir, 'api.json'), 'utf8'))
    assert.is(endpoint.url, node.api)
    assert.is(endpoint.pid, node.process.pid)
    assert.match(tokens.get(node) ?? '', /^[A-Za-z0-9_-]{43}$/)
  }
})

test('no token or a wrong one: 401 with WWW-Authenticate and a JSON error; the node still serves', async () => {
  const a = net.nodes[0]
  for (const token of [null, 'wrong', (tokens.get(a) ?? '') + 'x']) {
    for (const path of ['/v1/status', '/metrics', filePath('shoal:x'), '/nowhere']) {
      const res = await call(a, path, { token })
      assert.is(res.status, 401, `${path} with ${String(token)}`)
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/)
      assert.is((await errorOf(res)).code, 'ERR_UNAUTHORIZED')
    }
  }
  const upload = await call(a, '/v1/files', { method: 'POST', body: randomBytes(1000), token: 'wrong' })
  assert.is(upload.status, 401)
  const ok = await call(a, '/v1/status')
  assert.is(ok.status, 200)
})

test('a 5 MiB file POSTed to node A comes back byte for byte from node D', async () => {
  const [a, , , d] = net.nodes
  const put = await call(a, '/v1/files?name=big.bin&replicas=3', { method: 'POST', body: data, headers: { 'content-type': 'application/octet-stream' } })
  assert.is(put.status, 201)
  const result = await put.json() as { uri: string, size: number, chunks: number, newChunks: number, storedBytes: number }
  assert.equal(Object.keys(result), ['uri', 'size', 'chunks', 'newChunks', 'storedBytes'])
  assert.match(result.uri, /^shoal:/)
  assert.is(result.size, data.length)
  assert.ok(result.chunks >= 2, `${result.chunks} chunks`)
  fileUri = result.uri

  const get = await call(d, filePath(fileUri))
  assert.is(get.status, 200)
  assert.is(get.headers.get('content-length'), String(data.length))
  assert.is(get.headers.get('accept-ranges'), 'bytes')
  const body = Buffer.from(await get.arrayBuffer())
  assert.is(sha(body), sha(data))
  // the raw URI after the prefix works too ('#' would be a fragment, so only %23 is encoded)
  const raw = await call(d, `/v1/files/${fileUri.replace('#', '%23')}`, { method: 'HEAD' })
  assert.is(raw.status, 200)
  assert.is(raw.headers.get('content-length'), String(data.length))
})

test('Range: first byte, a slice across a chunk boundary, a suffix; past the end is 416; several ranges get the whole file', async () => {
  const d = net.nodes[3]
  const range = async (spec: string): Promise<Response> => await call(d, filePath(fileUri), { headers: { range: spec } })

  const first = await range('bytes=0-0')
  assert.is(first.status, 206)
  assert.is(first.headers.get('content-range'), `bytes 0-0/${data.length}`)
  assert.is(Buffer.compare(Buffer.from(await first.arrayBuffer()), data.subarray(0, 1)), 0)

  // chunks are 256 KiB..4 MiB, so the first chunk ends inside 200 000..4 300 000
  const slice = await range('bytes=200000-4299999')
  assert.is(slice.status, 206)
  assert.is(slice.headers.get('content-range'), `bytes 200000-4299999/${data.length}`)
  assert.is(slice.headers.get('content-length'), '4100000')
  assert.is(Buffer.compare(Buffer.from(await slice.arrayBuffer()), data.subarray(200000, 4300000)), 0)

  const suffix = await range('bytes=-100')
  assert.is(suffix.status, 206)
  assert.is(suffix.headers.get('content-range'), `bytes ${data.length - 100}-${data.length - 1}/${data.length}`)
  assert.is(Buffer.compare(Buffer.from(await suffix.arrayBuffer()), data.subarray(data.length - 100)), 0)

  const past = await range(`bytes=${data.length}-`)
  assert.is(past.status, 416)
  assert.is(past.headers.get('content-range'), `bytes */${data.length}`)
  assert.is((await errorOf(past)).code, 'ERR_RANGE_NOT_SATISFIABLE')

  const several = await range('bytes=0-9,4000000-4000009')
  assert.is(several.status, 200)
  assert.is(several.headers.get('content-length'), String(data.length))
  await several.body?.cancel()
})

test('errors are JSON with proper statuses: malformed URI 400, unknown route 404, unknown chunk 404, bad upload 4xx', async () => {
  const a = net.nodes[0]
  const malformed = await call(a, filePath('shoal:not-a-capability'))
  assert.is(malformed.status, 400)
  assert.is((await errorOf(malformed)).code, 'ERR_INVALID_CAPABILITY')
  const badEncoding = await call(a, '/v1/files/%E0%A4%A')
  assert.is(badEncoding.status, 400)
  await badEncoding.body?.cancel()

  const route = await call(a, '/v2/anything')
  assert.is(route.status, 404)
  assert.is((await errorOf(route)).code, 'ERR_NOT_FOUND')

  // a well-formed capability for a manifest nobody stored
  const at = 'shoal:'.length + 20 // a character of the digest, well inside the CID
  const nobody = fileUri.slice(0, at) + (fileUri[at] === 'a' ? 'b' : 'a') + fileUri.slice(at + 1)
  const missing = await call(a, filePath(nobody))
  assert.is(missing.status, 404)
  assert.is((await errorOf(missing)).code, 'ERR_CHUNK_NOT_FOUND')

  const replicas = await call(a, '/v1/files?replicas=0', { method: 'POST', body: 'x' })
  assert.is(replicas.status, 400)
  assert.is((await errorOf(replicas)).code, 'ERR_BAD_REQUEST')
  const form = await call(a, '/v1/files', { method: 'POST', body: new FormData() })
  assert.is(form.status, 415)
  await form.body?.cancel()
  // names are checked as a manifest checks them, before any byte is stored
  for (const bad of ['a%2Fb', '..', '%00', 'x'.repeat(256)]) {
    const name = await call(a, `/v1/files?name=${bad}`, { method: 'POST', body: 'x' })
    assert.is(name.status, 400, bad)
    const error = await errorOf(name)
    assert.is(error.code, 'ERR_BAD_REQUEST', bad)
    assert.match(error.message, /^name /, bad)
  }
  const compress = await call(a, '/v1/files?compress=maybe', { method: 'POST', body: 'x' })
  assert.is(compress.status, 400)
  assert.match((await errorOf(compress)).message, /compress/)
  for (const query of ['mode=4096', 'mode=-1', 'mode=rwx', 'mtime=1.5', 'mtime=soon']) {
    const meta = await call(a, `/v1/files?${query}`, { method: 'POST', body: 'x' })
    assert.is(meta.status, 400, query)
    assert.match((await errorOf(meta)).message, /mode|mtime/, query)
  }

  assert.is((await call(a, '/v1/status')).status, 200)
})

test('a directory POSTed from child URIs lists them back; a directory URI is not a file (409)', async () => {
  const [a, b] = net.nodes
  const small = await call(a, '/v1/files?name=small.txt', { method: 'POST', body: 'small\n' })
  assert.is(small.status, 201)
  const smallUri = (await small.json() as { uri: string }).uri
  const entries = [
    { name: 'z-big.bin', type: 'file', size: data.length, uri: fileUri },
    { name: 'a-small.txt', type: 'file', size: 6, uri: smallUri }
  ]
  const dir = await call(a, '/v1/directories', { method: 'POST', body: JSON.stringify({ name: 'stuff', entries }), headers: { 'content-type': 'application/json' } })
  assert.is(dir.status, 201)
  const stored = await dir.json() as { uri: string, size: number, newChunks: number, storedBytes: number }
  assert.is(stored.size, data.length + 6)
  assert.is(stored.newChunks, 1, 'the listing itself')
  assert.ok(stored.storedBytes > 0)
  const again = await call(a, '/v1/directories', { method: 'POST', body: JSON.stringify({ name: 'stuff', entries }), headers: { 'content-type': 'application/json' } })
  assert.equal({ ...(await again.json() as object), uri: '' }, { uri: '', size: data.length + 6, newChunks: 0, storedBytes: 0 })

  const listing = await call(b, `/v1/manifests/${encodeURIComponent(stored.uri)}`)
  assert.is(listing.status, 200)
  const manifest = await listing.json() as { type: string, name: string, entries: Array<{ name: string, type: string, size: number, uri: string }> }
  assert.is(manifest.type, 'directory')
  assert.is(manifest.name, 'stuff')
  assert.equal(manifest.entries, [entries[1], entries[0]]) // sorted by name

  const file = await call(b, `/v1/manifests/${encodeURIComponent(fileUri)}`)
  assert.equal(await file.json(), { type: 'file', name: 'big.bin', size: data.length, chunks: (await (await call(a, `/v1/manifests/${encodeURIComponent(fileUri)}`)).json() as { chunks: number }).chunks })

  const notFile = await call(b, filePath(stored.uri))
  assert.is(notFile.status, 409)
  assert.is((await errorOf(notFile)).code, 'ERR_WRONG_TYPE')

  const bad = async (body: string, type = 'application/json'): Promise<number> => {
    const res = await call(a, '/v1/directories', { method: 'POST', body, headers: { 'content-type': type } })
    await res.body?.cancel()
    return res.status
  }
  assert.is(await bad('{'), 400)
  assert.is(await bad('{}'), 400)
  assert.is(await bad(JSON.stringify({ entries: [{ name: 'x', type: 'link', size: 1, uri: fileUri }] })), 400)
  assert.is(await bad(JSON.stringify({ entries: [{ name: '../x', type: 'file', size: 1, uri: fileUri }] })), 400)
  assert.is(await bad(JSON.stringify({ entries: [{ name: 'x', type: 'file', size: -1, uri: fileUri }] })), 400)
  assert.is(await bad(JSON.stringify({ entries: [{ name: 'x', type: 'file', size: 1, uri: 'shoal:nope' }] })), 400)
  assert.is(await bad(JSON.stringify({ entries: [entries[0], entries[0]] })), 400) // duplicate names
  // a lone surrogate (JSON can carry one) is refused as the manifest would refuse it
  const lone = await call(a, '/v1/directories', { method: 'POST', body: JSON.stringify({ entries: [{ ...entries[0], name: 'x\ud800' }] }), headers: { 'content-type': 'application/json' } })
  assert.is(lone.status, 400)
  assert.equal(await errorOf(lone), { code: 'ERR_BAD_REQUEST', message: 'entries[0].name is not well-formed Unicode (lone surrogate)' })
  assert.is(await bad(JSON.stringify({ mode: 0o10000, entries })), 400)
  assert.is(await bad(JSON.stringify({ mtime: '2001', entries })), 400, 'mtime is a JSON number')
  assert.is(await bad(JSON.stringify({ entries: [] }), 'text/plain'), 415)
  assert.is(await bad(JSON.stringify({ entries: [], pad: 'x'.repeat(9 * 1024 * 1024) })), 413)
})

test('an upload whose client goes away is aborted (counted as such) and the node keeps serving', async () => {
  const a = net.nodes[0]
  const req = request(`${a.api}/v1/files?replicas=1`, { method: 'POST', headers: { authorization: `Bearer ${tokens.get(a) ?? ''}`, 'transfer-encoding': 'chunked' } })
  req.on('error', () => {}) // we cut it ourselves
  for (let i = 0; i < 8; i++) {
    req.write(randomBytes(100_000))
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  req.destroy()
  const deadline = Date.now() + 10_000
  let metrics = ''
  while (!/shoal_api_requests_total\{route="POST \/v1\/files",status="aborted"\} 1/.test(metrics) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 100))
    metrics = await (await call(a, '/metrics')).text()
  }
  assert.match(metrics, /shoal_api_requests_total\{route="POST \/v1\/files",status="aborted"\} 1/)
  const small = await call(a, '/v1/files?replicas=1', { method: 'POST', body: 'still here' })
  assert.is(small.status, 201)
  await small.body?.cancel()
})

test('status, peers and metrics', async () => {
  const a = net.nodes[0]
  const status = await (await call(a, '/v1/status')).json() as Record<string, unknown> & { store: Record<string, number> }
  assert.equal(Object.keys(status), ['peerId', 'addresses', 'api', 'peers', 'routingTable', 'reachability', 'relay', 'store', 'repair', 'ledger', 'uptimeSeconds', 'version'])
  // on loopback no peer has a public address to dial back: nobody can say (test/nat-reachability.test.ts has the rest)
  assert.is((status.reachability as { state: string }).state, 'unknown')
  // the repair loop's counters, and an account per peer that node A placed chunks on
  assert.is((status.repair as Record<string, number>).queueLength, 0)
  assert.ok((status.ledger as Array<{ peer: string, storedBy: number }>).some(entry => entry.storedBy > 0), JSON.stringify(status.ledger))
  assert.is(status.routingTable, 3) // createTestnet waits until everyone knows everyone
  assert.is(status.peerId, a.peerId)
  assert.ok((status.addresses as string[]).includes(a.address))
  assert.is(status.api, a.api)
  assert.ok((status.peers as number) >= 1)
  assert.equal(Object.keys(status.store), ['chunks', 'bytes', 'space', 'diskFree'])
  assert.ok(status.store.diskFree > 0, 'the free disk under the vault')
  assert.is(status.store.space, 256 * 1024 * 1024)
  assert.ok(status.store.chunks > 0, 'node A holds some of the chunks it placed')

  const peers = await (await call(a, '/v1/peers')).json() as Array<{ peerId: string, addresses: string[] }>
  const others = new Set(net.nodes.slice(1).map(n => n.peerId))
  assert.ok(peers.length >= 1)
  for (const peer of peers) {
    assert.ok(others.has(peer.peerId), peer.peerId)
    assert.ok(peer.addresses.every(addr => addr.startsWith('/ip4/127.0.0.')), peer.addresses.join())
  }

  const metrics = await call(a, '/metrics')
  assert.is(metrics.status, 200)
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/)
  const text = await metrics.text()
  for (const name of ['shoal_store_chunks', 'shoal_store_bytes', 'shoal_store_space_bytes', 'shoal_store_disk_free_bytes', 'shoal_peers', 'shoal_api_requests_total',
    'shoal_repair_queue_length', 'shoal_repair_chunks_repaired_total', 'shoal_repair_bytes_sent_total', 'shoal_repair_chunks_under_target_total', 'shoal_repair_audits_failed_total']) {
    assert.match(text, new RegExp(`^${name}(\\{[^}]*\\})? \\d`, 'm'), name)
  }
  assert.match(text, /^shoal_store_space_bytes 268435456$/m)
  assert.match(text, /^shoal_reachability\{state="unknown"\} 1$/m)
  assert.match(text, /^shoal_reachability\{state="public"\} 0$/m)
})

test.run()
