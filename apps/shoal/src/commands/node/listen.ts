// Where `shoal node` listens when --listen is not given: every IPv4 and IPv6 address on
// the usual libp2p port. A machine without IPv6 still runs a node on IPv4, with a note;
// an IPv6 address the user named fails as any other address would (ListenError).
import { createServer } from 'node:net'
import type { NodeLogger } from '@shoal/node'

export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/4001', '/ip6/::/tcp/4001']

// what socket() or bind() say on a kernel built or booted without IPv6
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EPROTONOSUPPORT', 'EADDRNOTAVAIL'])

/** Whether this machine can listen on IPv6 at all: binds [::]:0 for a moment. */
export async function ipv6Available (): Promise<boolean> {
  const server = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: '::', port: 0, ipv6Only: true }, resolve)
    })
    return true
  } catch (err) {
    // anything else (a port policy, a sandbox) is left for libp2p to report
    return !NO_IPV6.has((err as NodeJS.ErrnoException).code ?? '')
  } finally {
    server.close()
  }
}

export interface ListenChoice {
  /** the addresses given, or DEFAULT_LISTEN when --listen was not */
  addresses: string[]
  /** --listen was not given */
  isDefault: boolean
  logger: Pick<NodeLogger, 'info'>
  /** default: ipv6Available */
  ipv6?: () => Promise<boolean>
}

/** The addresses to listen on: the default's IPv6 one dropped, with a note, where there is no IPv6. */
export async function listenAddresses (choice: ListenChoice): Promise<string[]> {
  const ip6 = choice.addresses.filter(address => address.startsWith('/ip6/'))
  if (!choice.isDefault || ip6.length === 0 || await (choice.ipv6 ?? ipv6Available)()) return choice.addresses
  for (const address of ip6) choice.logger.info({ address }, `IPv6 is not available on this machine: not listening on ${address}`)
  return choice.addresses.filter(address => !ip6.includes(address))
}
