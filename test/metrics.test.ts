// /metrics of real `shoal node`s after a put and a get: promtool accepts the scrape with no
// lint complaint, the counters moved for what was done, and every metric the shipped
// Grafana dashboard and Prometheus config use is one a node exposes (deploy/).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestnet, type Testnet, type TestnetNode } from './helpers/testnet.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const promtool = spawnSync('promtool', ['--version']).error === undefined
const skipped = (what: string): boolean => {
  if (!promtool) console.log(`  skipped ${what}: promtool not found (Debian package prometheus)`)
  return !promtool
}

interface Sample { name: string, labels: Record<string, string>, value: number }
interface Scrape { text: string, samples: Sample[], families: Map<string, { type: string, help: string }> }

/** The Prometheus text format, as far as a test needs it (no escapes in our label values). */
function parseScrape (text: string): Scrape {
  const samples: Sample[] = []
  const families = new Map<string, { type: string, help: string }>()
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta !== null) {
      const family = families.get(meta[2]) ?? { type: '', help: '' }
      if (meta[1] === 'HELP') family.help = meta[3]
      else family.type = meta[3]
      families.set(meta[2], family)
      continue
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (sample === null) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (sample[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[key] = value
    samples.push({ name: sample[1], labels, value: Number(sample[3]) })
  }
  return { text, samples, families }
}

/** The sum of a metric's samples whose labels include `labels`. */
function sum (scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return scrape.samples
    .filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0)
}

/** Every series name a scrape exposes: each family, and a histogram's _bucket, _sum and _count. */
function exposedNames (scrape: Scrape): Set<string> {
  const names = new Set<string>()
  for (const [name, { type }] of scrape.families) {
    names.add(name)
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
  }
  return names
}

let net: Testnet
const tokens = new Map<TestnetNode, string>()
const data = randomBytes(3 * 1024 * 1024 + 77)
let chunks = 0
const scrapes: Scrape[] = []

async function call (node: TestnetNode, path: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(node.api + path, { ...init, headers: { authorization: `Bearer ${tokens.get(node) ?? ''}` }, signal: AbortSignal.timeout(30_000) })
}

test.before(async () => {
  net = await createTestnet({ nodes: 3, firstHost: 120 })
  for (const node of net.nodes) tokens.set(node, (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim())
  const [a, , c] = net.nodes
  const put = await call(a, '/v1/files?name=m.bin&replicas=2', { method: 'POST', body: data })
  assert.is(put.status, 201)
  const result = await put.json() as { uri: string, chunks: number }
  chunks = result.chunks
  const got = Buffer.from(await (await call(c, `/v1/files/${encodeURIComponent(result.uri)}`)).arrayBuffer())
  assert.is(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'))
  for (const node of net.nodes) {
    const res = await call(node, '/metrics')
    assert.is(res.status, 200)
    scrapes.push(parseScrape(await res.text()))
  }
})
test.after(async () => { await net?.stop() })

test('promtool check metrics accepts every node\'s scrape with no complaint', () => {
  if (skipped('promtool check metrics')) return
  for (const [i, scrape] of scrapes.entries()) {
    const run = spawnSync('promtool', ['check', 'metrics'], { input: scrape.text, encoding: 'utf8' })
    assert.is(`${run.stdout}${run.stderr}`.trim(), '', `node ${i}`)
    assert.is(run.status, 0, `node ${i}`)
  }
})

test('every metric is shoal_*, with HELP text', () => {
  for (const scrape of scrapes) {
    assert.ok(scrape.families.size > 40, `${scrape.families.size} metrics`)
    for (const [name, { help }] of scrape.families) {
      assert.match(name, /^shoal_/)
      assert.ok(help.trim().length > 0, `${name} has HELP`)
    }
  }
})

test('the chunk requests, bytes and connections counted match the put and the get', () => {
  const [a, b, c] = scrapes
  // every chunk a vault holds came to it by a PUT it answered, but for those its own API placed
  for (const [i, scrape] of [b, c].entries()) {
    const held = sum(scrape, 'shoal_store_chunks')
    assert.ok(sum(scrape, 'shoal_chunk_request_duration_seconds_count', { type: 'put', result: 'ok' }) >= held, `node ${i + 1}: PUT ok ≥ ${held} chunks held`)
    assert.ok(sum(scrape, 'shoal_chunk_request_bytes_total', { type: 'put', direction: 'in' }) >= sum(scrape, 'shoal_store_bytes'), `node ${i + 1}: PUT bytes in ≥ bytes held`)
  }
  // the file and its manifest, two copies each: at least one copy of every chunk left A by the chunk protocol
  const chunkBytesIn = scrapes.reduce((total, s) => total + sum(s, 'shoal_protocol_bytes_total', { protocol: '/shoal/chunk/2.0.0', direction: 'in' }), 0)
  assert.ok(chunkBytesIn >= data.length, `${chunkBytesIn} chunk-protocol bytes in ≥ ${data.length}`)
  // C got from A and B each chunk it does not hold itself
  const lacking = chunks + 1 - sum(c, 'shoal_store_chunks')
  const served = sum(a, 'shoal_chunk_request_duration_seconds_count', { type: 'get', result: 'ok' }) + sum(b, 'shoal_chunk_request_duration_seconds_count', { type: 'get', result: 'ok' })
  assert.ok(served >= lacking, `${served} GETs served ≥ ${lacking} chunks C lacked`)
  assert.ok(sum(c, 'shoal_protocol_bytes_total', { protocol: '/shoal/chunk/2.0.0', direction: 'in' }) > 0)
  for (const scrape of scrapes) {
    assert.ok(sum(scrape, 'shoal_connections') >= 1)
    assert.is(sum(scrape, 'shoal_routing_table_peers'), 2)
    assert.ok(sum(scrape, 'shoal_transport_bytes_total') >= sum(scrape, 'shoal_protocol_bytes_total'), 'a connection carries at least its streams')
    assert.ok(sum(scrape, 'shoal_disk_size_bytes') >= sum(scrape, 'shoal_disk_available_bytes'))
    assert.ok(sum(scrape, 'shoal_disk_available_bytes') > 0)
  }
  assert.is(sum(a, 'shoal_api_requests_total', { route: 'POST /v1/files', status: '201' }), 1)
  assert.is(sum(a, 'shoal_api_file_bytes_total', { direction: 'in' }), data.length)
})

test('the Grafana dashboard parses, and each panel queries only metrics the nodes expose', async () => {
  const dashboard = JSON.parse(await readFile(join(root, 'deploy/grafana/dashboards/shoal.json'), 'utf8')) as { panels: Array<{ type: string, title: string, targets?: Array<{ expr: string }> }> }
  const exposed = exposedNames(scrapes[0])
  const panels = dashboard.panels.filter(p => p.type !== 'row')
  const used = new Set<string>()
  for (const panel of panels) {
    assert.ok(panel.title.length > 0)
    assert.ok((panel.targets ?? []).length > 0, `${panel.title} has a query`)
    for (const { expr } of panel.targets ?? []) {
      const names = expr.match(/\bshoal_[a-z0-9_]+/g) ?? []
      // `up` is Prometheus' own, per target
      assert.ok(names.length > 0 || /^count\(up\{/.test(expr), `${panel.title}: ${expr}`)
      for (const name of names) {
        assert.ok(exposed.has(name), `${panel.title}: ${name} is not in a scrape`)
        used.add(name)
      }
    }
  }
  for (const wanted of ['shoal_chunk_request_duration_seconds_bucket', 'shoal_chunk_request_duration_seconds_count', 'shoal_protocol_bytes_total', 'shoal_chunk_request_bytes_total',
    'shoal_connections', 'shoal_store_bytes', 'shoal_store_space_bytes', 'shoal_disk_available_bytes', 'shoal_repair_queue_length', 'shoal_repair_chunks_repaired_total', 'shoal_repair_audits_failed_total']) {
    assert.ok(used.has(wanted), `the dashboard shows ${wanted}`)
  }
  if (skipped('promtool check rules over the dashboard\'s queries')) return
  // promtool parses PromQL in rule files; Grafana's variables become what they would expand to
  const rules = panels.flatMap((panel, i) => (panel.targets ?? []).map((t, j) => ({
    record: `panel_${i}_${j}`,
    expr: t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.*').replaceAll('$instance', '.*')
  })))
  const dir = await mkdtemp(join(tmpdir(), 'shoal-metrics-'))
  try {
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] })) // JSON is YAML
    const run = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.json')], { encoding: 'utf8' })
    assert.is(run.status, 0, run.stdout + run.stderr)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('deploy/prometheus.yml is a valid Prometheus config that scrapes bootstrap and the scaled vault service by DNS', async () => {
  const text = await readFile(join(root, 'deploy/prometheus.yml'), 'utf8')
  assert.match(text, /targets: \['bootstrap:\d+'\]/)
  assert.match(text, /dns_sd_configs:\s*\n\s*- names: \['vault'\]/)
  assert.match(text, /metrics_path: \/metrics/)
  if (skipped('promtool check config')) return
  // promtool wants the token file to exist: point it at one
  const dir = await mkdtemp(join(tmpdir(), 'shoal-metrics-'))
  try {
    await writeFile(join(dir, 'token'), 'x'.repeat(43) + '\n')
    await writeFile(join(dir, 'prometheus.yml'), text.replaceAll('/run/secrets/shoal_api_token', join(dir, 'token')))
    const run = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' })
    assert.is(run.status, 0, run.stdout + run.stderr)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
