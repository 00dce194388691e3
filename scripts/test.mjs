#!/usr/bin/env node
// Runs every compiled uvu suite, each file in its own process (suites start real
// processes, open stores and bind ports, so isolation matters more than speed), and
// ends with each suite's time (a package's files, or one root integration file), slowest
// first, and then the single line CI reads: `N passed, N failed`.
// Usage: node scripts/test.mjs [substring ...]   (only files whose path contains one)
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const filters = process.argv.slice(2)
const perFileTimeoutMs = Number(process.env.SHOAL_TEST_TIMEOUT_MS ?? 8 * 60_000)

function * walk (dir) {
  let entries
  try { entries = readdirSync(dir) } catch { return }
  for (const name of entries) {
    if (name === 'node_modules') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield * walk(path)
    else if (name.endsWith('.test.js')) yield path
  }
}

const roots = []
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) roots.push(join(root, group, name, 'dist', 'test'))
}
roots.push(join(root, 'test', 'dist'))

const files = roots.flatMap(dir => [...walk(dir)])
  .filter(file => filters.length === 0 || filters.some(f => file.includes(f)))
  .sort()

function runFile (file) {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } })
    let out = ''
    child.stdout.on('data', d => { out += d; process.stdout.write(d) })
    child.stderr.on('data', d => { out += d; process.stderr.write(d) })
    const timer = setTimeout(() => {
      // said where it is seen: a file killed mid-test otherwise ends its output silently
      const said = `\n[runner] ${relative(root, file)} timed out after ${perFileTimeoutMs} ms: killed\n`
      out += said
      process.stdout.write(said)
      child.kill('SIGKILL')
    }, perFileTimeoutMs)
    child.on('close', code => {
      clearTimeout(timer)
      const total = [...out.matchAll(/Total:\s+(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0)
      const passed = [...out.matchAll(/Passed:\s+(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0)
      const skipped = [...out.matchAll(/Skipped:\s+(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0)
      // uvu counts skipped tests apart from its Total
      let failed = total - passed
      // A file that crashed or exited non-zero without reporting a failure still failed.
      if (code !== 0 && failed === 0) failed = 1
      resolve({ file, passed, failed, skipped, code })
    })
  })
}

/** packages/x/dist/test/a.test.js → packages/x; test/dist/a.test.js → test/a.test.js */
const suiteOf = path => path.startsWith('test/') ? path.replace('dist/', '').replace(/\.js$/, '.ts') : path.split('/').slice(0, 2).join('/')

let passed = 0; let failed = 0; let skipped = 0
const failures = []
const seconds = new Map()
for (const file of files) {
  const path = relative(root, file)
  console.log(`\n# ${path}`)
  const started = performance.now()
  const r = await runFile(file)
  const took = (performance.now() - started) / 1000
  const suite = suiteOf(path)
  seconds.set(suite, (seconds.get(suite) ?? 0) + took)
  passed += r.passed; failed += r.failed; skipped += r.skipped
  if (r.failed > 0) failures.push(path)
}
const total = [...seconds.values()].reduce((a, b) => a + b, 0)
console.log(`\ntime by suite (${total.toFixed(0)} s in all):`)
for (const [suite, s] of [...seconds].sort((a, b) => b[1] - a[1])) console.log(`  ${s.toFixed(1).padStart(7)} s  ${suite}`)
if (files.length === 0) { console.log('no test files found'); failed = 1 }
if (failures.length > 0) console.log(`\nfailing files:\n  ${failures.join('\n  ')}`)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exitCode = failed > 0 ? 1 : 0
