#!/usr/bin/env node
// The image's HEALTHCHECK: asks the running node's API for GET /healthz (no token needed)
// at the url the node wrote to <data>/api.json, so it works whatever --api port was chosen.
// Exit 0 healthy, 1 not (no node, API silent, or the node says it stopped).
// Usage: node deploy/healthcheck.mjs [DATA_DIR]   (default: $SHOAL_DATA or ~/.shoal)
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

const TIMEOUT_MS = 3_000

const data = process.argv[2] ?? process.env.SHOAL_DATA ?? join(homedir(), '.shoal')
try {
  const { url } = JSON.parse(await readFile(join(data, 'api.json'), 'utf8'))
  const res = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(TIMEOUT_MS) })
  const body = await res.text()
  console.log(`${res.status} ${body.trim()}`)
  process.exitCode = res.status === 200 ? 0 : 1
} catch (err) {
  console.log(`unhealthy: ${err.code === 'ENOENT' ? `no node runs for ${data} (no api.json)` : err.message}`)
  process.exitCode = 1
}
