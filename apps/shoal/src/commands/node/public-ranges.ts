// --public-ranges: networks the node's reachability check counts as public besides every
// address libp2p calls public (docs/nat.md), for a network whose "internet" is a private
// or reserved range, as the NAT lab's 198.18.0.0/15 is.
import { checkPublicRange, InvalidPublicRangeError } from '@shoal/node'
import { UsageError } from '../../errors.js'

export function parsePublicRanges (ranges: string[] | undefined, flag = '--public-ranges'): string[] {
  return (ranges ?? []).map(range => {
    try {
      return checkPublicRange(range)
    } catch (err) {
      if (err instanceof InvalidPublicRangeError) throw new UsageError(`${flag}: ${err.message}`)
      throw err
    }
  })
}
