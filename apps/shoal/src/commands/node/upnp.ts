// --upnp on|off (and --no-upnp, the same as --upnp off): whether a node listening on a
// private address asks a UPnP router to forward its port (docs/nat.md). A setting, so
// `upnp: off` in the config file and SHOAL_UPNP=off work too.
import { UsageError } from '../../errors.js'

export const UPNP_CHOICES = ['on', 'off'] as const

/** Whether to use UPnP; `false` is what commander gives for --no-upnp. */
export function parseUpnp (value: string | boolean, where = '--upnp'): boolean {
  if (value === true || value === 'on') return true
  if (value === false || value === 'off') return false
  throw new UsageError(`${where}: '${String(value)}' is not one of ${UPNP_CHOICES.join(', ')}`)
}
