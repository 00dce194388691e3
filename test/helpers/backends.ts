// The three backends a data command may use, each as a fixture the shared suite
// (backend-suite.ts) runs against: a vault directory, a real network of `shoal node`
// processes reached through a short-lived client node, and a real daemon.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import type { ChunkSource } from '@shoal/client'
import { createTestnet, type Testnet } from './testnet.js'

export interface BackendFixture {
  name: 'vault' | 'network' | 'daemon'
  start: () => Promise<void>
  stop: () => Promise<void>
  /** the flags that choose this backend for a put */
  writer: () => string[]
  /** the flags that choose it for a get or ls (another node of the network where there are several) */
  reader: () => string[]
  /** every directory chunks are kept in (a vault's, each node's) */
  vaults: () => string[]
}

/** Local mode: `--vault DIR`. */
export function vaultFixture (): BackendFixture {
  let work = ''
  const flags = (): string[] => ['--vault', join(work, 'vault'), '--data', join(work, 'data')]
  return {
    name: 'vault',
    async start () { work = await mkdtemp(join(tmpdir(), 'shoal-vault-fixture-')) },
    async stop () { await rm(work, { recursive: true, force: true }) },
    writer: flags,
    reader: flags,
    vaults: () => [join(work, 'vault')]
  }
}

/** Network mode: `--bootstrap` node 0 of a 4-process testnet to put, node 1 to get. */
export function networkFixture (): BackendFixture {
  let net: Testnet | undefined
  let work = ''
  const testnet = (): Testnet => net as Testnet
  return {
    name: 'network',
    async start () {
      work = await mkdtemp(join(tmpdir(), 'shoal-network-fixture-'))
      net = await createTestnet({ nodes: 4 })
    },
    async stop () {
      await net?.stop()
      await rm(work, { recursive: true, force: true })
    },
    writer: () => ['--bootstrap', testnet().bootstrap, '--data', join(work, 'writer')],
    reader: () => ['--bootstrap', testnet().nodes[1].address, '--data', join(work, 'reader')],
    vaults: () => testnet().nodes.map(node => join(node.dataDir, 'vault'))
  }
}

/** Daemon mode: neither flag, the data dir of a running `shoal node`: node 0's to put, node 3's to get. */
export function daemonFixture (): BackendFixture {
  let net: Testnet | undefined
  const testnet = (): Testnet => net as Testnet
  return {
    name: 'daemon',
    async start () { net = await createTestnet({ nodes: 4 }) },
    async stop () { await net?.stop() },
    writer: () => ['--data', testnet().nodes[0].dataDir],
    reader: () => ['--data', testnet().nodes[3].dataDir],
    vaults: () => testnet().nodes.map(node => join(node.dataDir, 'vault'))
  }
}

/** Where a vault keeps a chunk: blobs/ab/cd/<cid>, ab/cd the first bytes of its digest. */
export function blobPath (vault: string, cid: CID): string {
  const hex = Buffer.from(cid.multihash.digest).toString('hex')
  return join(vault, 'blobs', hex.slice(0, 2), hex.slice(2, 4), cid.toString())
}

/** The chunks in these vault directories, read straight from disk (to learn a manifest's chunk list). */
export function blobSource (vaults: string[]): ChunkSource {
  return {
    async get (cid) {
      for (const vault of vaults) {
        const bytes = await readFile(blobPath(vault, cid)).catch(() => null)
        if (bytes !== null) return bytes
      }
      return null
    }
  }
}
