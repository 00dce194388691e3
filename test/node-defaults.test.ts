// `shoal node` with no --listen, for real: in a network namespace of its own (as root),
// where port 4001 is free and nothing outside can reach it. It listens on IPv4 and IPv6;
// where IPv6 is turned off it still runs, on IPv4.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstJsonLine, shoalBin, stopChild, type NodeStarted } from '@shoal/cli'

const isolated = process.getuid?.() === 0 && spawnSync('unshare', ['--net', '--', 'ip', 'link', 'set', 'lo', 'up']).status === 0
let work = ''

test.before(async () => { work = await mkdtemp(join(tmpdir(), 'shoal-node-defaults-')) })
test.after(async () => { await rm(work, { recursive: true, force: true }) })

const skip = (): boolean => {
  if (!isolated) console.log('  skipped: a network namespace of its own (unshare --net, ip) needs root')
  return !isolated
}

/** `shoal node --json --space 64MiB` in a new network namespace, after `setup` there; its start line and exit code. */
async function runIsolated (name: string, setup: string): Promise<{ started: NodeStarted, code: number | null, stderr: string }> {
  const script = `${setup} && exec "${process.execPath}" "${shoalBin}" node --json --space 64MiB --data "${join(work, name)}"`
  const child = spawn('unshare', ['--net', '--', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  try {
    const started = await firstJsonLine<NodeStarted>(child, { what: 'shoal node', timeoutMs: 20_000, stderr: () => stderr })
    return { started, code: await stopChild(child), stderr }
  } catch (err) {
    await stopChild(child)
    throw err
  }
}

test('no --listen: the node listens on port 4001 of every IPv4 and IPv6 address', async () => {
  if (skip()) return
  const { started, code } = await runIsolated('both', 'ip link set lo up')
  assert.equal(started.addresses, [`/ip4/127.0.0.1/tcp/4001/p2p/${started.peerId}`, `/ip6/::1/tcp/4001/p2p/${started.peerId}`])
  assert.is(code, 0)
})

test('no --listen and IPv6 turned off: the node still runs, on IPv4', async () => {
  if (skip()) return
  const { started, code, stderr } = await runIsolated('v4', 'ip link set lo up && sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1')
  assert.equal(started.addresses, [`/ip4/127.0.0.1/tcp/4001/p2p/${started.peerId}`])
  assert.is(code, 0, stderr)
})

test.run()
