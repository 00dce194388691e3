// A real `shoal node`'s API against the requests a hostile web page can make a browser
// send: after DNS rebinding (Host: evil.example, the page's own Origin, even holding the
// token) and from another origin (another port of the same host, `null`). Every route is
// refused before it runs, public ones included; this machine's own names are served.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNode, type RunningNode } from './helpers/node.js'

const HOST = '127.0.0.162'
let work = ''
let node: RunningNode
let port = 0
let token = ''

// every route of the API (daemon/routes/), with a method it answers
const ROUTES: Array<[string, string]> = [
  ['GET', '/'], ['GET', '/ui/app.js'], ['GET', '/healthz'], ['GET', '/v1/status'], ['GET', '/v1/peers'],
  ['GET', '/metrics'], ['GET', '/v1/transfers'], ['POST', '/v1/files'], ['GET', '/v1/files/x'],
  ['POST', '/v1/directories'], ['GET', '/v1/manifests/x'], ['POST', '/v1/ui/codes'], ['POST', '/v1/ui/redeem'],
  ['POST', '/v1/ui/sessions'], ['POST', '/v1/ui/downloads'], ['GET', '/v1/ui/downloads/x'],
  ['POST', '/v1/check/x'], ['POST', '/v1/renew/x'], ['POST', '/v1/rm/x'], ['GET', '/no-such-route']
]

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-host-origin-'))
  node = await startNode(['--space', '64MiB', '--data', join(work, 'data'), '--listen', `/ip4/${HOST}/tcp/0`, '--api', `${HOST}:0`])
  port = Number(new URL(node.api).port)
  token = (await readFile(join(work, 'data', 'api-token'), 'utf8')).trim()
})
test.after(async () => {
  await node?.stop()
  await rm(work, { recursive: true, force: true })
})

interface Answer { status: number, code?: string }

/** One request to the node's API with exactly these headers (fetch would not let us set Host or Origin). */
async function send (method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, method, path, headers, setHost: false, signal: AbortSignal.timeout(10_000) }, res => {
      let body = ''
      res.on('data', d => { body += d })
      res.on('end', () => {
        let code: string | undefined
        try { code = (JSON.parse(body) as { error?: { code?: string } }).error?.code } catch {}
        resolve({ status: res.statusCode ?? 0, code })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

const bearer = (): Record<string, string> => ({ authorization: `Bearer ${token}` })

test('a DNS-rebinding request (Host: evil.example, its own Origin, even with the token) is refused on every route', async () => {
  for (const [method, path] of ROUTES) {
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `${HOST}.nip.io:${port}`]) {
      const answer = await send(method, path, { host, origin: `http://${host}`, ...bearer() })
      assert.equal(answer, { status: 403, code: 'ERR_FOREIGN_HOST' }, `${method} ${path} Host: ${host}`)
    }
    // a simple GET a rebinding page sends sets no Origin at all
    assert.equal(await send(method, path, { host: `evil.example:${port}` }), { status: 403, code: 'ERR_FOREIGN_HOST' }, `${method} ${path}, no Origin`)
  }
})

test('a Host naming another machine, another port, or nothing at all is refused', async () => {
  for (const host of [`192.0.2.7:${port}`, `${HOST}:${port === 1 ? 2 : port - 1}`, HOST, `${HOST}:${port}@evil.example`, '']) {
    const answer = await send('GET', '/v1/status', { host, ...bearer() })
    // Node's own parser may answer 400 to an empty Host before the API sees it
    assert.ok(answer.status === 403 || (host === '' && answer.status === 400), `Host: ${JSON.stringify(host)}: ${answer.status}`)
  }
  const none = await send('GET', '/v1/status', bearer())
  assert.ok(none.status === 400 || none.status === 403, `no Host header at all: ${none.status}`)
})

test('a request from a page of another origin is refused on every route, with or without the token', async () => {
  const host = `${HOST}:${port}`
  for (const [method, path] of ROUTES) {
    for (const origin of [`http://${HOST}:${port === 1 ? 2 : port - 1}`, 'http://evil.example', 'null', `https://${host}`]) {
      assert.equal(await send(method, path, { host, origin, ...bearer() }), { status: 403, code: 'ERR_CROSS_ORIGIN' }, `${method} ${path} Origin: ${origin}`)
      assert.equal(await send(method, path, { host, origin }), { status: 403, code: 'ERR_CROSS_ORIGIN' }, `${method} ${path} Origin: ${origin}, no token`)
    }
  }
})

test('this machine\'s own names are served: the bound address, localhost, loopback; and its own origin', async () => {
  for (const host of [`${HOST}:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
    assert.is((await send('GET', '/v1/status', { host, ...bearer() })).status, 200, `Host: ${host}`)
    assert.is((await send('GET', '/v1/status', { host, origin: `http://${host}`, ...bearer() })).status, 200, `Host and Origin: ${host}`)
    assert.is((await send('GET', '/healthz', { host })).status, 200, `healthz, Host: ${host}`)
  }
  // still only with the token
  assert.equal(await send('GET', '/v1/status', { host: `${HOST}:${port}` }), { status: 401, code: 'ERR_UNAUTHORIZED' })
})

test.run()
