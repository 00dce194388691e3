import { mkdir } from 'node:fs/promises'
import { createNode } from '@shoal/node'
import { dataDir } from '../../context.js'
import { UsageError } from '../../errors.js'
import { checkBootstrap, checkListen } from '../../network.js'
import { parseSize } from '../../size.js'

interface NodeFlags {
  listen: string[]
  space: string
  bootstrap?: string[]
  bootstrapTimeout: string
  data?: string
  json?: boolean
}

/** Runs a vault node until SIGINT/SIGTERM, then stops it (libp2p, then the store). */
export async function nodeHandler (flags: NodeFlags): Promise<void> {
  const listen = flags.listen.map(address => checkListen(address))
  const space = parseSize(flags.space, '--space')
  const bootstrap = checkBootstrap(flags.bootstrap)
  const timeout = Number(flags.bootstrapTimeout)
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--bootstrap-timeout: '${flags.bootstrapTimeout}' is not a positive number of seconds`)
  const dir = dataDir({ data: flags.data })
  await mkdir(dir, { recursive: true, mode: 0o700 })

  // Listen for signals before starting, so one that arrives during start() (or the
  // bootstrap dials) still ends in a clean stop rather than the default abrupt exit.
  let stopRequested: () => void = () => {}
  const stopped = new Promise<void>(resolve => { stopRequested = resolve })
  process.once('SIGINT', stopRequested)
  process.once('SIGTERM', stopRequested)
  const node = createNode({ dataDir: dir, listen, space, bootstrap, bootstrapTimeoutMs: timeout * 1000 })
  try {
    await node.start()
    const peerId = node.peerId.toString()
    const addresses = node.multiaddrs.map(String)
    if (flags.json === true) {
      console.log(JSON.stringify({ peerId, addresses }))
    } else {
      console.log(`peer ${peerId}`)
      for (const address of addresses) console.log(address)
    }
    await stopped
  } finally {
    process.off('SIGINT', stopRequested)
    process.off('SIGTERM', stopRequested)
    await node.stop()
  }
}
