#!/usr/bin/env node
// The compose network's one-shot check (docker-compose.yml, service `client`): puts a
// generated file into the network through one node, gets it back through another with a
// second client identity, and exits 1 unless the bytes are the same. Node builtins only,
// so it runs as it is in the image: `node deploy/client.mjs --put-via ADDR --get-via ADDR`.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

/** This script's own flags (test/compose.test.ts checks the compose file's against them). */
export const CLIENT_OPTIONS = {
  'put-via': { type: 'string' },
  'get-via': { type: 'string' },
  mib: { type: 'string', default: '16' },
  replicas: { type: 'string', default: '3' },
  attempts: { type: 'string', default: '20' },
  help: { type: 'boolean', short: 'h' }
}

const USAGE = `usage: node deploy/client.mjs --put-via MULTIADDR --get-via MULTIADDR [--mib N] [--replicas N] [--attempts N]
  --put-via   the node the file is put through, e.g. /dns4/bootstrap/tcp/4001
  --get-via   the node it is got back through, e.g. /dns4/vault/tcp/4001
  --mib       size of the generated file in MiB (default 16)
  --replicas  copies of each chunk (default 3)
  --attempts  tries of each step while the network comes up, 3 s apart (default 20)
exit 0: the bytes came back the same; 1: they did not, or a step failed; 2: usage`

/** How long one shoal command may run before it is killed (a failed try, not a hang). */
const STEP_TIMEOUT_MS = 5 * 60_000
const RETRY_PAUSE_MS = 3_000

/** `shoal put` as this script runs it: network mode through `via`, the URI in its JSON. */
export function putArgs ({ file, via, replicas, data }) {
  return ['put', file, '--bootstrap', via, '--replicas', replicas, '--data', data, '--json']
}

/** `shoal get` as this script runs it: a fresh client identity, through another node. */
export function getArgs ({ uri, via, out, data }) {
  return ['get', uri, '--bootstrap', via, '--data', data, '-o', out, '--force', '--json']
}

class UsageError extends Error {
  code = 'ERR_USAGE'
}

function parse (argv) {
  let values
  try {
    ({ values } = parseArgs({ args: argv, options: CLIENT_OPTIONS, strict: true, allowPositionals: false }))
  } catch (err) {
    throw new UsageError(err.message)
  }
  if (values.help === true) return null
  for (const flag of ['put-via', 'get-via']) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required`)
  }
  const whole = (flag, min) => {
    const n = Number(values[flag])
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag}: '${values[flag]}' is not a whole number of at least ${min}`)
    return n
  }
  return { putVia: values['put-via'], getVia: values['get-via'], mib: whole('mib', 1), replicas: String(whole('replicas', 1)), attempts: whole('attempts', 1) }
}

/** Runs `shoal ...args` (SHOAL_BIN, default `shoal` on PATH); its exit code and output. */
async function shoal (args) {
  const bin = process.env.SHOAL_BIN ?? 'shoal'
  return await new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: STEP_TIMEOUT_MS, killSignal: 'SIGKILL' })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? (signal !== null ? 1 : 0), signal, stdout, stderr }))
  })
}

/**
 * Runs a step until it exits 0, at most `attempts` times: while the vaults are still
 * joining a put finds too few holders and a get too few peers. A usage error (2) is final.
 */
async function untilOk (what, args, attempts) {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now()
    const result = await shoal(args)
    const seconds = (performance.now() - started) / 1000
    if (result.code === 0) return { ...result, seconds }
    const why = result.signal !== null ? `killed after ${STEP_TIMEOUT_MS / 1000} s` : (result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`)
    if (result.code === 2 || attempt >= attempts) throw new Error(`${what} failed (try ${attempt} of ${attempts}): ${why}`)
    console.error(`${what}: try ${attempt} of ${attempts} failed (${why}); again in ${RETRY_PAUSE_MS / 1000} s`)
    await new Promise(resolve => setTimeout(resolve, RETRY_PAUSE_MS))
  }
}

async function writeRandomFile (path, mib) {
  const file = await open(path, 'wx')
  try {
    for (let i = 0; i < mib; i++) await file.write(randomBytes(1024 * 1024))
  } finally {
    await file.close()
  }
}

async function sha256 (path) {
  const hash = createHash('sha256')
  for await (const part of createReadStream(path)) hash.update(part)
  return hash.digest('hex')
}

/** The last line of a command's stdout, as `--json` prints it. */
function lastJson (stdout) {
  return JSON.parse(stdout.trim().split('\n').at(-1))
}

export async function main (argv) {
  let options
  try {
    options = parse(argv)
  } catch (err) {
    console.error(`client: ${err.message}\n${USAGE}`)
    return 2
  }
  if (options === null) {
    console.log(USAGE)
    return 0
  }
  const work = await mkdtemp(join(tmpdir(), 'shoal-client-'))
  try {
    const file = join(work, 'generated.bin')
    const out = join(work, 'got.bin')
    await writeRandomFile(file, options.mib)
    const wanted = await sha256(file)
    console.log(`generated ${options.mib} MiB, sha256 ${wanted}`)

    const put = await untilOk(`put via ${options.putVia}`, putArgs({ file, via: options.putVia, replicas: options.replicas, data: join(work, 'putter') }), options.attempts)
    const { uri } = lastJson(put.stdout)
    console.log(`put via ${options.putVia} in ${put.seconds.toFixed(1)} s: ${uri}`)

    const get = await untilOk(`get via ${options.getVia}`, getArgs({ uri, via: options.getVia, out, data: join(work, 'getter') }), options.attempts)
    console.log(`got via ${options.getVia} in ${get.seconds.toFixed(1)} s`)

    const [size, got] = [(await stat(out)).size, await sha256(out)]
    if (size !== options.mib * 1024 * 1024 || got !== wanted) {
      console.error(`client: the bytes differ: got ${size} bytes, sha256 ${got}; put ${options.mib * 1024 * 1024}, sha256 ${wanted}`)
      return 1
    }
    console.log('the bytes are the same')
    return 0
  } catch (err) {
    console.error(`client: ${err.message}`)
    return 1
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

// run as a script, not when imported (the compose test imports the argument builders)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}
