#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=4
// Memory: V8's young generation may otherwise grow to 3 x 16 MiB while chunks stream
// through, and glibc gives each thread its own malloc arena; both raise a get's peak RSS
// (bench/README.md, "Executable flags"). Run as `node bin/shoal.js` they do not apply.
import { readdirSync, statSync } from 'node:fs'
import module from 'node:module'

// Node >= 22.1 caches compiled modules across runs: loading libp2p and the rest is a large
// share of every short-lived command (bench/README.md, "CLI bundle"). Node 20 has no such
// cache; nothing happens.
module.enableCompileCache?.()

// `npm run build` also bundles the CLI into one file (scripts/bundle.mjs), which loads in
// less than half the time on Node 20 (bench/README.md, "CLI bundle"). It is used only
// while it is newer than every project's last tsc build, so a `tsc -b` after it is
// never shadowed by stale code; SHOAL_BUNDLE=0 turns it off.
const bundle = new URL('../dist/bundle/shoal.mjs', import.meta.url)
await import(process.env.SHOAL_BUNDLE !== '0' && isFresh(bundle) ? bundle.href : '../dist/src/bin.js')

function isFresh (file) {
  const made = mtime(file)
  if (made < 0) return false
  const builds = [new URL('../dist/tsconfig.tsbuildinfo', import.meta.url)]
  const packages = new URL('../../../packages/', import.meta.url)
  let names = []
  try { names = readdirSync(packages) } catch {}
  for (const name of names) builds.push(new URL(`${name}/dist/tsconfig.tsbuildinfo`, packages))
  return builds.every(build => mtime(build) <= made)
}

function mtime (url) {
  try {
    return statSync(url).mtimeMs
  } catch {
    return -1
  }
}
