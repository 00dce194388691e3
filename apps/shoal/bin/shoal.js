#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=4
// Memory, measured (bench/README.md): V8's young generation may otherwise grow to
// 3 x 16 MiB while chunks stream through, and glibc gives each thread its own malloc
// arena; with both, a 1 GiB get peaked at 200-216 MiB RSS, with these at 183-206 MiB.
// Run as `node bin/shoal.js` they do not apply.
import module from 'node:module'

// Node >= 22.1 caches compiled modules across runs: loading libp2p and the rest is over
// a second of every short-lived command here. Node 20 has no such cache; nothing happens.
module.enableCompileCache?.()
await import('../dist/src/bin.js')
