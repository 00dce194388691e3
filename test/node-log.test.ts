// The log of a real `shoal node`: JSON lines with --log-format json, readable lines by
// default, --log-level dropping what is below it. A peer joins, a full vault refuses a
// chunk, the daemon whose upload that broke says why, and a clean stop is logged.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shoal } from './helpers/cli.js'
import { jsonLog, startNode, until, type RunningNode } from './helpers/node.js'

let work = ''
const nodes: RunningNode[] = []

test.before(async () => { work = await mkdtemp(join(tmpdir(), 'shoal-node-log-')) })
test.after(async () => {
  await Promise.all(nodes.map(async node => await node.stop()))
  await rm(work, { recursive: true, force: true })
})

const flags = (name: string, host: string, space: string): string[] => ['--data', join(work, name), '--listen', `/ip4/${host}/tcp/0`, '--api', `${host}:0`, '--space', space]

test('--log-format json: a peer joining, a chunk refused for space naming the peer, the refused upload; --log-level warn keeps only warnings', async () => {
  const small = await startNode([...flags('small', '127.0.0.61', '5MiB'), '--log-format', 'json'])
  nodes.push(small)
  const roomy = await startNode([...flags('roomy', '127.0.0.62', '64MiB'), '--replicas', '2', '--bootstrap', small.addresses[0], '--log-format', 'json', '--log-level', 'warn'])
  nodes.push(roomy)
  await until(() => jsonLog(small).some(l => l.msg === 'peer joined' && l.peer === roomy.peerId), 'the small node to log the join')

  // both nodes must take every chunk (r = 2): the small one is full after ~5 MiB
  await writeFile(join(work, 'big.bin'), randomBytes(12 * 1024 * 1024))
  const put = await shoal(['put', join(work, 'big.bin'), '--data', join(work, 'roomy')])
  assert.is(put.code, 1, put.stderr)
  assert.match(put.stderr, /held by 1 of 2 .*\(1 full\)/, put.stderr)

  await until(() => jsonLog(small).some(l => l.level === 'warn'), 'the refusal in the small node\'s log')
  const log = jsonLog(small)
  for (const line of log) {
    assert.ok(['error', 'warn', 'info', 'debug'].includes(line.level as string), JSON.stringify(line))
    assert.match(line.time as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    assert.type(line.msg, 'string')
  }
  assert.equal(log[0], { level: 'info', time: log[0].time, peer: small.peerId, addresses: small.addresses, api: small.api, version: log[0].version, msg: 'node started' })
  const refused = log.filter(l => l.level === 'warn')
  assert.is(refused.length, 1, 'one line for a burst of refusals')
  assert.is(refused[0].msg, 'refused a chunk: the vault is full (its --space)')
  assert.is(refused[0].peer, roomy.peerId)
  assert.is(refused[0].limit, 'space')
  assert.match(refused[0].cid as string, /^bafkrei/)

  const upload = jsonLog(roomy)
  assert.ok(upload.every(l => l.level === 'warn' || l.level === 'error'), JSON.stringify(upload))
  assert.ok(upload.some(l => l.route === 'POST /v1/files' && l.status === 507 && l.code === 'ERR_INSUFFICIENT_HOLDERS'), JSON.stringify(upload))

  assert.is(await roomy.stop(), 0)
  await until(() => jsonLog(small).some(l => l.msg === 'peer left' && l.peer === roomy.peerId), 'the small node to log the leave')
})

test('the default log is readable lines on stderr: time, level, message, fields; a clean stop says so', async () => {
  const node = await startNode(flags('text', '127.0.0.63', '64MiB'))
  const code = await node.stop()
  assert.is(code, 0)
  const lines = node.stderr().trim().split('\n')
  assert.match(lines[0], new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: node started \\{"peer":"${node.peerId}"`))
  assert.match(lines.at(-1) ?? '', /\] INFO: node stopped$/)
})

test.run()
