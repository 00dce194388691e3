// Convergence secrets on disk: created once (0600, atomically), reused after, never
// silently replaced; and the shared secret is the documented constant.
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import {
  CONVERGENCE_SECRET_FILE, ExposedSecretFileError, generateConvergenceSecret, InvalidConvergenceSecretError, loadOrCreateConvergenceSecret,
  resolveConvergenceSecret, SHARED_CONVERGENCE_DOMAIN, SHARED_CONVERGENCE_SECRET, type ConvergenceMode
} from '../src/index.js'
import { isPlainUint8Array, toHex } from './helpers.js'

const posix = process.platform !== 'win32'
const dirs: string[] = []
async function freshDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-crypto-'))
  dirs.push(dir)
  return dir
}
test.after(async () => {
  await Promise.all(dirs.map(async dir => await rm(dir, { recursive: true, force: true })))
})

async function rejectsInvalid (dir: string, what: string): Promise<void> {
  const path = join(dir, CONVERGENCE_SECRET_FILE)
  const before = await readFile(path)
  try {
    await loadOrCreateConvergenceSecret(dir)
    assert.unreachable(`${what}: accepted`)
  } catch (err) {
    assert.instance(err, InvalidConvergenceSecretError, `${what}: ${String(err)}`)
    assert.is((err as InvalidConvergenceSecretError).code, 'ERR_INVALID_CONVERGENCE_SECRET')
    assert.is((err as InvalidConvergenceSecretError).path, path)
  }
  assert.ok(before.equals(await readFile(path)), `${what}: file left untouched`)
}

test('first call creates a 32-byte secret in a 0600 file of 64 hex digits', async () => {
  const dir = await freshDir()
  const secret = await loadOrCreateConvergenceSecret(dir)
  assert.is(secret.byteLength, 32)
  assert.ok(isPlainUint8Array(secret))
  const path = join(dir, CONVERGENCE_SECRET_FILE)
  assert.is(await readFile(path, 'utf8'), `${toHex(secret)}\n`)
  if (posix) assert.is((await stat(path)).mode & 0o777, 0o600)
  assert.equal(await readdir(dir), [CONVERGENCE_SECRET_FILE], 'no temporary files left behind')
})

test('second call returns the same secret and leaves the file as it was', async () => {
  const dir = await freshDir()
  const first = await loadOrCreateConvergenceSecret(dir)
  const path = join(dir, CONVERGENCE_SECRET_FILE)
  const before = await stat(path)
  const second = await loadOrCreateConvergenceSecret(dir)
  assert.is(toHex(second), toHex(first))
  const after = await stat(path)
  assert.is(after.ino, before.ino)
  assert.is(after.mtimeMs, before.mtimeMs)
})

test('creates a missing data dir (0700)', async () => {
  const dir = join(await freshDir(), 'a', 'data')
  const secret = await loadOrCreateConvergenceSecret(dir)
  assert.is(toHex(await loadOrCreateConvergenceSecret(dir)), toHex(secret))
  if (posix) assert.is((await stat(dir)).mode & 0o777, 0o700)
})

test('concurrent first calls agree on one secret', async () => {
  const dir = await freshDir()
  const secrets = await Promise.all(Array.from({ length: 8 }, async () => await loadOrCreateConvergenceSecret(dir)))
  assert.is(new Set(secrets.map(toHex)).size, 1)
  assert.is(await readFile(join(dir, CONVERGENCE_SECRET_FILE), 'utf8'), `${toHex(secrets[0])}\n`)
  assert.equal(await readdir(dir), [CONVERGENCE_SECRET_FILE])
})

test('reads a secret written by hand (no trailing newline, upper case)', async () => {
  const dir = await freshDir()
  const secret = generateConvergenceSecret()
  await writeFile(join(dir, CONVERGENCE_SECRET_FILE), toHex(secret).toUpperCase(), { mode: 0o600 })
  assert.is(toHex(await loadOrCreateConvergenceSecret(dir)), toHex(secret))
})

test('a corrupt or wrong-length file is an InvalidConvergenceSecretError and is not replaced', async () => {
  const cases: Array<[string, string | Uint8Array]> = [
    ['empty', ''],
    ['62 hex digits', `${'ab'.repeat(31)}\n`],
    ['66 hex digits', `${'ab'.repeat(33)}\n`],
    ['not hex', `${'zz'.repeat(32)}\n`],
    ['raw 32 bytes', generateConvergenceSecret()],
    ['zero-filled', new Uint8Array(65)],
    ['two lines', `${'ab'.repeat(32)}\n${'cd'.repeat(32)}\n`],
    ['large', 'a'.repeat(10_000)]
  ]
  for (const [what, content] of cases) {
    const dir = await freshDir()
    await writeFile(join(dir, CONVERGENCE_SECRET_FILE), content, { mode: 0o600 })
    await rejectsInvalid(dir, what)
  }
})

test('a secret file its group or everyone may read is refused, with the path and the chmod fix, and left as it is', async () => {
  if (!posix) return
  for (const mode of [0o640, 0o604, 0o660]) {
    const dir = await freshDir()
    const path = join(dir, CONVERGENCE_SECRET_FILE)
    const secret = generateConvergenceSecret()
    await writeFile(path, `${toHex(secret)}\n`)
    await chmod(path, mode)
    const err = await loadOrCreateConvergenceSecret(dir).then(() => null, (e: unknown) => e)
    assert.instance(err, ExposedSecretFileError, mode.toString(8))
    assert.is((err as ExposedSecretFileError).code, 'ERR_SECRET_FILE_EXPOSED')
    assert.match((err as Error).message, path)
    assert.match((err as Error).message, `chmod 600 ${path}`)
    assert.is((await stat(path)).mode & 0o777, mode, 'not narrowed behind the user\'s back')
    assert.is(await readFile(path, 'utf8'), `${toHex(secret)}\n`, 'not replaced')
    await chmod(path, 0o600)
    assert.is(toHex(await loadOrCreateConvergenceSecret(dir)), toHex(secret), 'after chmod 600 it loads')
  }
})

test('the error message says what is wrong and what to do', async () => {
  const dir = await freshDir()
  await writeFile(join(dir, CONVERGENCE_SECRET_FILE), 'abc\n', { mode: 0o600 })
  try {
    await loadOrCreateConvergenceSecret(dir)
    assert.unreachable('accepted')
  } catch (err) {
    assert.match((err as Error).message, join(dir, CONVERGENCE_SECRET_FILE))
    assert.match((err as Error).message, '3 hex digits, expected 64')
    assert.match((err as Error).message, 'left untouched')
  }
})

test('SHARED_CONVERGENCE_SECRET is sha256 of the documented domain string', () => {
  assert.is(SHARED_CONVERGENCE_DOMAIN, 'shoal/shared-convergence-secret/v1')
  // Pinned: changing it would split network-wide dedup between old and new clients.
  assert.is(toHex(SHARED_CONVERGENCE_SECRET), 'e1b7bf879b89b8992aaf9671fe3ec96559574d41f21952c668d8e81684d2b677')
  assert.is(toHex(SHARED_CONVERGENCE_SECRET), toHex(nobleSha256(new TextEncoder().encode(SHARED_CONVERGENCE_DOMAIN))))
})

test("resolveConvergenceSecret: 'shared' is the constant and touches no file, 'user' is the data dir's", async () => {
  const dir = await freshDir()
  assert.ok(await resolveConvergenceSecret('shared', dir) === SHARED_CONVERGENCE_SECRET)
  assert.equal(await readdir(dir), [])
  const user = await resolveConvergenceSecret('user', dir)
  assert.is(toHex(user), toHex(await loadOrCreateConvergenceSecret(dir)))
  assert.is.not(toHex(user), toHex(SHARED_CONVERGENCE_SECRET))
  try {
    await resolveConvergenceSecret('global' as ConvergenceMode, dir)
    assert.unreachable('accepted an unknown mode')
  } catch (err) {
    assert.instance(err, TypeError)
  }
})

test('generateConvergenceSecret: 32 fresh random bytes', () => {
  const a = generateConvergenceSecret()
  const b = generateConvergenceSecret()
  assert.is(a.byteLength, 32)
  assert.is.not(toHex(a), toHex(b))
})

test('an empty dir argument is a TypeError', async () => {
  try {
    await loadOrCreateConvergenceSecret('')
    assert.unreachable('accepted')
  } catch (err) {
    assert.instance(err, TypeError)
  }
})

test.run()
