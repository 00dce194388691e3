import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// The guard the daemon and the short-lived network client install: a promise rejected
// with nobody awaiting it (what libp2p leaves behind on a connection a peer broke) is
// reported, and the process carries on to finish its job.
const guard = fileURLToPath(new URL('../../apps/shoal/dist/src/stray-rejections.js', import.meta.url))

function run (withGuard: boolean): { status: number | null, stdout: string, stderr: string } {
  const script = `
    const { surviveStrayRejections } = await import(${JSON.stringify(guard)})
    const undo = ${withGuard ? 'surviveStrayRejections(m => console.error("reported: " + m))' : '() => {}'}
    Promise.reject(new Error('ReceiveWindowExceededError: receive window exceeded'))
    await new Promise(resolve => setTimeout(resolve, 50))
    console.log('job finished')
    undo()
  `
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('without the guard a stray rejection kills the process before its job is done', () => {
  const r = run(false)
  assert.is.not(r.status, 0)
  assert.not.match(r.stdout, 'job finished')
})

test('with it the rejection is reported in one line and the job finishes', () => {
  const r = run(true)
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, 'job finished')
  assert.match(r.stderr, /^reported: ignored a failure nobody handled: ReceiveWindowExceededError: receive window exceeded\n$/)
})

test.run()
