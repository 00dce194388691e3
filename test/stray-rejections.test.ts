import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as libp2p from '@libp2p/interface'
import * as utils from '@libp2p/utils'

// The guard the daemon and the short-lived network client install: a promise rejected
// with nobody awaiting it with one of the errors libp2p leaves behind on a connection a
// peer broke is reported, and the process carries on to finish its job; any other
// unhandled rejection is our bug and still kills the process, with its stack.
const guard = fileURLToPath(new URL('../../apps/shoal/dist/src/stray-rejections.js', import.meta.url))

function run (withGuard: boolean, rejection: string): { status: number | null, stdout: string, stderr: string } {
  const script = `
    const { surviveStrayRejections } = await import(${JSON.stringify(guard)})
    const { StreamResetError } = await import('@libp2p/interface')
    class ReceiveWindowExceededError extends Error { name = 'ReceiveWindowExceededError' } // as @libp2p/yamux names it
    const undo = ${withGuard ? 'surviveStrayRejections(m => console.error("reported: " + m))' : '() => {}'}
    Promise.reject(${rejection})
    await new Promise(resolve => setTimeout(resolve, 50))
    console.log('job finished')
    undo()
  `
  // run from test/, where @libp2p/interface resolves
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: join(fileURLToPath(import.meta.url), '..', '..') })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const yamuxError = "new ReceiveWindowExceededError('Receive window exceeded')"

test('without the guard a stray rejection kills the process before its job is done', () => {
  const r = run(false, yamuxError)
  assert.is.not(r.status, 0)
  assert.not.match(r.stdout, 'job finished')
})

test('with it a yamux window violation is reported in one line and the job finishes', () => {
  const r = run(true, yamuxError)
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, 'job finished')
  assert.match(r.stderr, /^reported: ignored a failure nobody handled: ReceiveWindowExceededError: Receive window exceeded\n$/)
})

test('so is a stream reset mid-write (the real StreamResetError of @libp2p/interface)', () => {
  const r = run(true, "new StreamResetError('stream reset')")
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, 'job finished')
  assert.match(r.stderr, /^reported: ignored a failure nobody handled: StreamResetError: stream reset\n$/)
})

test('any other unhandled rejection still crashes the process loudly, with its stack', () => {
  for (const rejection of ["new TypeError('a bug of ours')", "new Error('ReceiveWindowExceededError: only the message says so')"]) {
    const r = run(true, rejection)
    assert.is.not(r.status, 0, rejection)
    assert.not.match(r.stdout, 'job finished')
    assert.not.match(r.stderr, 'reported:')
    assert.match(r.stderr, /Error: (a bug of ours|ReceiveWindowExceededError: only the message says so)\n\s+at /, r.stderr)
  }
})

test('the names the guard lets through are those libp2p really gives its errors', async () => {
  const { STRAY_ERROR_NAMES } = await import(pathToFileURL(guard).href) as { STRAY_ERROR_NAMES: Set<string> }
  // yamux's own list of protocol violations (not exported from its package root)
  const yamux = dirname(createRequire(import.meta.url).resolve('@libp2p/yamux'))
  const { PROTOCOL_ERRORS } = await import(pathToFileURL(join(yamux, 'constants.js')).href) as { PROTOCOL_ERRORS: Set<string> }
  for (const name of PROTOCOL_ERRORS) assert.ok(STRAY_ERROR_NAMES.has(name), `yamux's ${name}`)
  const classes = { ...libp2p, ...utils } as unknown as Record<string, { name?: string } | undefined>
  for (const name of STRAY_ERROR_NAMES) {
    assert.ok(PROTOCOL_ERRORS.has(name) || classes[name]?.name === name, `${name} is an error class of @libp2p/interface, @libp2p/utils or yamux`)
  }
})

test.run()
