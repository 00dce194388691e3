// Secret files that others on the machine may read are refused, never used and never
// quietly narrowed: the peer key, the API token, the convergence secret and the uploads
// log (capabilities) of a data dir, by `shoal node` at start and by the commands that
// read them. The message names the file and the fix; after `chmod 600` all works again.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isOneLineError, shoal, type CliResult } from './helpers/cli.js'
import { startNode } from './helpers/node.js'

let work = ''
let data = ''
const nodeArgs = (): string[] => ['--space', '64MiB', '--data', data, '--listen', '/ip4/127.0.0.161/tcp/0', '--api', '127.0.0.161:0']
const posix = process.platform !== 'win32'

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shoal-secret-files-'))
  data = join(work, 'data')
  // one clean run makes every secret of the data dir (0600) and an uploads log
  const node = await startNode(nodeArgs())
  assert.is(await node.stop(), 0)
  await writeFile(join(work, 'hello.txt'), 'hello\n')
})
test.after(async () => {
  await rm(work, { recursive: true, force: true })
})

/** The one-line refusal of `path` with `mode`: it names the file and the chmod fix, and leaves the mode alone. */
async function assertRefused (r: CliResult, path: string, mode: number): Promise<void> {
  assert.is(r.code, 1, r.stderr)
  assert.ok(isOneLineError(r.stderr), r.stderr)
  assert.match(r.stderr, path)
  assert.match(r.stderr, `chmod 600 ${path}`)
  assert.match(r.stderr, 'ERR_SECRET_FILE_EXPOSED')
  assert.is((await stat(path)).mode & 0o777, mode, 'the mode is left as the user set it')
}

for (const [file, mode] of [['peer-key', 0o644], ['api-token', 0o604], ['convergence-secret', 0o640], ['uploads.log', 0o660]] as const) {
  test(`shoal node refuses to start with ${file} mode ${mode.toString(8)}; after chmod 600 it starts`, async () => {
    if (!posix) return
    const path = join(data, file)
    await chmod(path, mode)
    try {
      await assertRefused(await shoal(['node', ...nodeArgs()], { timeoutMs: 30_000 }), path, mode)
    } finally {
      await chmod(path, 0o600)
    }
    const node = await startNode(nodeArgs())
    assert.is(await node.stop(), 0)
  })
}

test('shoal put refuses a convergence secret others may read', async () => {
  if (!posix) return
  const path = join(data, 'convergence-secret')
  await chmod(path, 0o644)
  try {
    await assertRefused(await shoal(['put', join(work, 'hello.txt'), '--vault', join(work, 'vault'), '--data', data]), path, 0o644)
  } finally {
    await chmod(path, 0o600)
  }
  const r = await shoal(['put', join(work, 'hello.txt'), '--vault', join(work, 'vault'), '--data', data])
  assert.is(r.code, 0, r.stderr)
})

test('a command that talks to the running node refuses an API token others may read', async () => {
  if (!posix) return
  const node = await startNode(nodeArgs())
  const path = join(data, 'api-token')
  try {
    await chmod(path, 0o644)
    await assertRefused(await shoal(['status', '--data', data]), path, 0o644)
    await chmod(path, 0o600)
    const r = await shoal(['status', '--data', data])
    assert.is(r.code, 0, r.stderr)
  } finally {
    await chmod(path, 0o600)
    await node.stop()
  }
})

test.run()
