// The web dashboard in a real headless Chromium (Debian's chromium, driven by
// playwright-core) against a 2-node testnet: the link `shoal ui` prints signs the page in,
// a file picked in the page uploads with a progress bar and downloads again by its URI
// with the same bytes (a dropped one uploads too), the page shows the node's figures, no
// secret goes into a URL, and pages of other origins cannot use the API.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { cli } from './helpers/in-process.js'
import { until } from './helpers/node.js'
import { createTestnet, type Testnet } from './helpers/testnet.js'

const MiB = 1024 * 1024
const chromiumPath = [process.env.SHOAL_CHROMIUM ?? '', '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(path => path !== '' && existsSync(path))
const skip = (): boolean => {
  if (chromiumPath === undefined) console.log('  skipped: no chromium (apt-get install chromium, or set SHOAL_CHROMIUM)')
  return chromiumPath === undefined
}
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** Waits (up to `timeoutMs`) until the text of `selector` passes `check`; returns it. */
async function textWhen (tab: Page, selector: string, check: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  let text = ''
  await until(async () => check(text = await tab.textContent(selector) ?? ''), `${selector} to pass (last: '${text}')`, timeoutMs)
  return text
}

let net: Testnet | undefined
let browser: Browser | undefined
let context: BrowserContext
let page: Page
let work = ''
let token = ''
let link = ''
let uri = ''
const data = randomBytes(4 * MiB + 12_345)
/** every URL a page of the dashboard asked for, as the browser sent it */
const requested: string[] = []

test.before(async () => {
  if (chromiumPath === undefined) return
  work = await mkdtemp(join(tmpdir(), 'shoal-web-ui-'))
  // two copies of each chunk: both nodes hold every upload
  net = await createTestnet({ nodes: 2, nodeFlags: ['--replicas', '2'] })
  token = (await readFile(join(net.nodes[0].dataDir, 'api-token'), 'utf8')).trim()
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, timeout: 30_000 })
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1000 } })
  context.on('request', r => { requested.push(r.url()) })
  context.setDefaultTimeout(30_000)
  page = await context.newPage()
  // a download's request is not reported as a request
  page.on('download', d => { requested.push(d.url()) })
})
test.after(async () => {
  await browser?.close()
  await net?.stop()
  if (work !== '') await rm(work, { recursive: true, force: true })
})

test('`shoal ui` prints a one-time link that signs the page in and leaves the address bar clean', async () => {
  if (skip() || net === undefined) return
  const a = net.nodes[0]
  const printed = await cli(['ui', '--data', a.dataDir])
  assert.is(printed.code, 0, printed.stderr)
  link = printed.stdout.trim()
  assert.match(link, new RegExp(`^${a.api.replace(/\./g, '\\.')}/#code=[A-Za-z0-9_-]{43}$`))
  assert.match(printed.stderr, /within 2 minutes; it signs in once/)

  await page.goto(link)
  await page.waitForSelector('#dashboard', { state: 'visible' })
  assert.is(page.url(), `${a.api}/`, 'the code is wiped from the address bar')
  // the other node is the one peer
  await textWhen(page, '#peer-count', text => text === '1')
  assert.is(await page.textContent('#peer-id'), a.peerId)

  // the link works once: a second tab opening it is asked to sign in, and told why
  const again = await context.newPage()
  await again.goto(link)
  await again.waitForSelector('#login', { state: 'visible' })
  assert.match(await again.textContent('#login-error') ?? '', /used already or has expired; run `shoal ui`/)
  await again.close()
})

test('the token typed once opens a session; a wrong one is told so', async () => {
  if (skip() || net === undefined || browser === undefined) return
  const other = await browser.newContext()
  other.on('request', r => { requested.push(r.url()) })
  const tab = await other.newPage()
  await tab.goto(`${net.nodes[0].api}/`)
  await tab.waitForSelector('#login', { state: 'visible' })
  await tab.fill('#token', token + 'x')
  await tab.click('#login-form button')
  assert.is(await textWhen(tab, '#login-error', text => text !== ''), 'that is not this node\'s API token')
  await tab.fill('#token', token)
  await tab.click('#login-form button')
  await tab.waitForSelector('#dashboard', { state: 'visible' })
  assert.is(await tab.inputValue('#token'), '', 'the token is not left in the page')
  // a reload keeps the tab's session: the token is not asked again
  await tab.reload()
  await tab.waitForSelector('#dashboard', { state: 'visible' })
  await other.close()
})

test('a 4 MiB file picked in the page uploads with its progress bar at 100 %; its URI downloads the same bytes', async () => {
  if (skip() || net === undefined) return
  const path = join(work, 'picked.bin')
  await writeFile(path, data)
  await page.setInputFiles('#file', path)
  const outcome = await textWhen(page, '#upload-status', text => /^(stored|upload failed)/.test(text), 60_000)
  assert.match(outcome, /^stored picked\.bin \(4\.0 MiB, \d+ chunks\)$/)
  uri = await page.textContent('#upload-uri') ?? ''
  assert.is(await page.evaluate("document.getElementById('upload-bar').value"), 100)
  assert.is(await page.textContent('#upload-percent'), '100%')
  assert.match(uri, /^shoal:b[a-z2-7]+#[a-z2-7]+$/)

  await page.fill('#download-uri', uri)
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#download-form button')])
  assert.is(download.suggestedFilename(), 'picked.bin')
  const saved = join(work, 'downloaded.bin')
  await download.saveAs(saved)
  assert.is(await download.failure(), null)
  assert.is(sha(await readFile(saved)), sha(data), 'the downloaded bytes are the uploaded ones')
  assert.match(await page.textContent('#download-status') ?? '', /^downloading picked\.bin \(4\.0 MiB\)/)

  // the upload really went to the network: the other node serves it too
  const other = net.nodes[1]
  const otherToken = (await readFile(join(other.dataDir, 'api-token'), 'utf8')).trim()
  const res = await fetch(`${other.api}/v1/files/${encodeURIComponent(uri)}`, { headers: { authorization: `Bearer ${otherToken}` } })
  assert.is(res.status, 200)
  assert.is(sha(Buffer.from(await res.arrayBuffer())), sha(data))
})

test('a wrong URI is told in the page, not saved as a file', async () => {
  if (skip()) return
  await page.fill('#download-uri', 'shoal:not-a-uri')
  await page.click('#download-form button')
  assert.match(await textWhen(page, '#download-status', text => text.startsWith('download failed')), /^download failed: /)
})

test('the page shows the key figures, and its screenshot is not blank', async () => {
  if (skip() || net === undefined) return
  // the upload and the download, newest first, with their speed
  const readRows = async (): Promise<string[][]> => await page.evaluate("[...document.querySelectorAll('#transfer-rows tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent))")
  let rows: string[][] = []
  await until(async () => (rows = await readRows()).length >= 2, 'two transfers in the table', 30_000)
  assert.equal(rows.slice(0, 2).map(r => [r[1], r[2], r[3]]), [['download', 'picked.bin', '4.0 MiB'], ['upload', 'picked.bin', '4.0 MiB']])
  for (const row of rows.slice(0, 2)) assert.match(row[5], /^\d+(\.\d)? (B|KiB|MiB|GiB)\/s$/)

  // the figures agree with the API's
  const status = await (await fetch(`${net.nodes[0].api}/v1/status`, { headers: { authorization: `Bearer ${token}` } })).json() as { store: { space: number, chunks: number } }
  assert.is(status.store.space, 256 * MiB)
  assert.is(await page.textContent('#space-offered'), '256.0 MiB')
  assert.match(await textWhen(page, '#space-used', text => /\d/.test(text) && text !== '0 B'), /^\d+(\.\d)? (KiB|MiB)$/)
  assert.match(await page.textContent('#chunks') ?? '', /^[1-9]\d*$/)
  assert.is(await page.textContent('#peer-count'), '1')
  assert.match(await page.textContent('#node-state') ?? '', /^online · 1 peer$/)
  const repair = await page.textContent('#repair-figures') ?? ''
  for (const figure of ['Queue', 'Chunks repaired', 'Audits passed', 'Audits failed']) assert.ok(repair.includes(figure), repair)

  const shot = await page.screenshot({ fullPage: true, path: join(work, 'dashboard.png') })
  assert.equal([...shot.subarray(1, 4)], [...Buffer.from('PNG')])
  const width = shot.readUInt32BE(16)
  const height = shot.readUInt32BE(20)
  assert.is(width, 1200)
  assert.ok(height >= 600, `${height} px high`)
  // a page of one colour compresses to almost nothing; the dashboard's text does not
  const blank = await context.newPage()
  await blank.setViewportSize({ width, height })
  const empty = await blank.screenshot()
  await blank.close()
  assert.ok(shot.byteLength > 4 * empty.byteLength, `dashboard ${shot.byteLength} B, blank ${empty.byteLength} B`)
})

test('a file dropped on the page uploads too', async () => {
  if (skip() || net === undefined) return
  const dropped = Buffer.alloc(300_000)
  for (let i = 0; i < dropped.length; i++) dropped[i] = (i * 7919) % 251
  // what a drag from the desktop delivers: a DataTransfer holding a File, made in the page
  const dataTransfer = await page.evaluateHandle(`(() => {
    const bytes = new Uint8Array(${dropped.length})
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251
    const transfer = new DataTransfer()
    transfer.items.add(new File([bytes], 'dropped.bin'))
    return transfer
  })()`)
  await page.dispatchEvent('#drop', 'drop', { dataTransfer })
  const outcome = await textWhen(page, '#upload-status', text => /^(stored dropped|upload failed)/.test(text), 60_000)
  assert.match(outcome, /^stored dropped\.bin \(293\.0 KiB, 1 chunk\)$/)
  const dropUri = await page.textContent('#upload-uri') ?? ''
  const res = await fetch(`${net.nodes[0].api}/v1/files/${encodeURIComponent(dropUri)}`, { headers: { authorization: `Bearer ${token}` } })
  assert.is(res.status, 200)
  assert.is(sha(Buffer.from(await res.arrayBuffer())), sha(dropped))
})

test('no URL the pages asked for holds the token, the session or the link\'s code', async () => {
  if (skip()) return
  const session = await page.evaluate<string | null>("sessionStorage.getItem('shoal-session')") ?? ''
  assert.match(session, /^[A-Za-z0-9_-]{43}$/)
  const code = link.slice(link.indexOf('#code=') + 6)
  // the recording works: the upload's and the download's requests are in it
  assert.ok(requested.some(url => url.includes('/v1/files?name=picked.bin')), requested.join('\n'))
  assert.ok(requested.some(url => url.includes('/v1/ui/downloads/')), requested.join('\n'))
  for (const url of requested) {
    for (const [what, secret] of [['token', token], ['session', session], ['code', code]]) {
      assert.not.ok(url.includes(secret), `the ${what} is in ${url}`)
    }
  }
})

test('the API refuses pages of other origins, even holding a session', async () => {
  if (skip() || net === undefined || browser === undefined) return
  const api = net.nodes[0].api
  const session = await page.evaluate<string | null>("sessionStorage.getItem('shoal-session')") ?? ''
  // another local web server: another port of the same host, so the same site
  const elsewhere: Server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>elsewhere</title>') })
  await new Promise<void>(resolve => elsewhere.listen(0, '127.0.0.2', resolve))
  try {
    const port = (elsewhere.address() as AddressInfo).port
    const tab = await context.newPage()
    await tab.goto(`http://127.0.0.2:${port}/`)
    const outcome = await tab.evaluate(async ({ api, session }) => {
      try {
        const res = await fetch(`${api}/v1/status`, { headers: { authorization: `Bearer ${session}` } })
        return `answered ${res.status}`
      } catch (err) {
        return `refused: ${(err as Error).name}`
      }
    }, { api, session })
    assert.is(outcome, 'refused: TypeError')
    await tab.close()
  } finally {
    await new Promise<void>(resolve => elsewhere.close(() => resolve()))
  }
  // what the daemon itself answers a request naming another origin, token or not
  for (const origin of ['http://127.0.0.2:1', 'null']) {
    const answer = await statusWithOrigin(api, origin, token)
    assert.is(answer.status, 403)
    assert.match(answer.body, /ERR_CROSS_ORIGIN/)
  }
  assert.is((await statusWithOrigin(api, api, token)).status, 200, 'its own origin is served')
})

/** GET /v1/status with an Origin header (fetch would not let us set one). */
async function statusWithOrigin (api: string, origin: string, bearer: string): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(`${api}/v1/status`, { headers: { origin, authorization: `Bearer ${bearer}` }, signal: AbortSignal.timeout(10_000) }, res => {
      let body = ''
      res.on('data', (d: Buffer) => { body += d.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    })
    req.on('error', reject)
    req.end()
  })
}

test.run()
