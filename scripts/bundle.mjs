// Bundles the shoal CLI (and the seal worker it starts) into apps/shoal/dist/bundle/.
//
// Why: Node 20 has no compile cache, and resolving and loading the ~1,000 module files of
// libp2p and the rest is a large share of every short-lived network command; the same
// code as one file loads in less than half the time (bench/README.md, "CLI bundle").
// The tsc output stays the source of truth: tests import it, and bin/shoal.js falls back
// to it whenever the bundle is missing or older than the last build (see bin/shoal.js).
//
// Layout the bundled code expects, relative to its own URL (import.meta.url):
//   dist/bundle/shoal.mjs        the CLI (from apps/shoal/dist/src/bin.js)
//   dist/bundle/seal-worker.js   new URL('./seal-worker.js', import.meta.url) in @shoal/client
//   dist/wasm/chunker.wasm       new URL('../wasm/chunker.wasm', import.meta.url) in @shoal/chunker
//   dist/wasm/erasure.wasm       new URL('../wasm/erasure.wasm', import.meta.url) in @shoal/erasure
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const app = join(root, 'apps/shoal/dist')
const out = join(app, 'bundle')

await rm(out, { recursive: true, force: true })
await build({
  entryPoints: {
    shoal: join(app, 'src/bin.js'),
    'seal-worker': join(root, 'packages/client/dist/src/seal-worker.js')
  },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Commands load what they need with import(): each such graph becomes a chunk of its
  // own, so `shoal --help` or a local put never loads libp2p.
  splitting: true,
  // every chunk sits beside the entry: the relative URLs below hold for all of them
  chunkNames: '[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // classic-level finds its native addon relative to its own package directory.
  external: ['classic-level'],
  // CommonJS dependencies call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __shoalCreateRequire } from 'node:module'; const require = __shoalCreateRequire(import.meta.url);" },
  logLevel: 'warning'
})
// The worker is started by its .js name; esbuild wrote .mjs for both entries.
await copyFile(join(out, 'seal-worker.mjs'), join(out, 'seal-worker.js'))
await rm(join(out, 'seal-worker.mjs'))
await mkdir(join(app, 'wasm'), { recursive: true })
await copyFile(join(root, 'packages/chunker/dist/wasm/chunker.wasm'), join(app, 'wasm/chunker.wasm'))
await copyFile(join(root, 'packages/erasure/dist/wasm/erasure.wasm'), join(app, 'wasm/erasure.wasm'))
