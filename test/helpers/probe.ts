import { join } from 'node:path'
import { createNode, type ShoalNode } from '@shoal/node'

/**
 * An in-process DHT client joined to the testnet: it asks vaults what they hold (HAS) and
 * reads manifests, as any peer could, without a process of its own. Its peer key goes in
 * `work`/probe.
 */
export async function startProbe (work: string, bootstrap: string): Promise<ShoalNode> {
  const probe = createNode({ dataDir: join(work, 'probe'), listen: ['/ip4/127.0.0.1/tcp/0'], space: 0, clientMode: true, bootstrap: [bootstrap] })
  await probe.start()
  return probe
}
