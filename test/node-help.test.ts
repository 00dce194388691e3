// `--help` of the commands a node operator uses: each default said once, in one spelling;
// what `shoal node` needs is there by default or marked required.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { shoal } from './helpers/cli.js'

/** Each option of a help text with its description, wrapped lines joined. */
function options (help: string): Map<string, string> {
  const out = new Map<string, string>()
  let current = ''
  for (const line of help.slice(help.indexOf('Options:')).split('\n').slice(1)) {
    const start = /^ {2}(-[^ ]*(?: <[^>]+>)?(?:, --\S+)?)\s+(.*)$/.exec(line)
    if (start !== null) {
      current = start[1]
      out.set(current, start[2])
    } else if (current !== '' && line.trim() !== '') {
      out.set(current, `${out.get(current) ?? ''} ${line.trim()}`)
    }
  }
  return out
}

test('no option of node, testnet, status or peers states its default twice or quoted', async () => {
  for (const command of ['node', 'testnet', 'status', 'peers']) {
    const r = await shoal([command, '--help'])
    assert.is(r.code, 0, r.stderr)
    const described = options(r.stdout)
    assert.ok(described.size >= 3, `${command}: ${[...described.keys()].join(', ')}`)
    for (const [option, text] of described) {
      assert.ok((text.match(/\(default/g) ?? []).length <= 1 && !/default \d/.test(text), `${command} ${option}: ${text}`)
      assert.not.match(text, /default: "/, `${command} ${option}: ${text}`)
    }
  }
})

test('node: --listen defaults to every IPv4 and IPv6 address on port 4001, --space is marked required and refused when missing', async () => {
  const help = (await shoal(['node', '--help'])).stdout
  assert.match(help, /^Usage: shoal node --space <size> \[options\]$/m)
  const described = options(help)
  assert.match(described.get('--space <size>') ?? '', /\(required\)/)
  assert.match(described.get('--listen <multiaddr...>') ?? '', /\(default: \/ip4\/0\.0\.0\.0\/tcp\/4001 \/ip6\/::\/tcp\/4001\)/)
  assert.match(described.get('--replicas <n>') ?? '', /\(default: 3\)$/)
  const missing = await shoal(['node', '--data', '/nonexistent/shoal-help-test'])
  assert.is(missing.code, 2)
  assert.match(missing.stderr, /required option '--space <size>' not specified/)
})

test.run()
