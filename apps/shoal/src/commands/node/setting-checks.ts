// How each setting of `shoal node` is checked: by the parser its flag's value goes
// through, named by where the value came from. log-level and log-format take their
// flag's choices.
import type { Check } from '../../config/setting.js'
import { parseApiAddress } from '../../daemon/listen.js'
import { checkBootstrap, checkListen, checkReplicas } from '../../network.js'
import { parseSize } from '../../size.js'
import { parseBootstrapTimeout } from './bootstrap-timeout.js'
import { parseDrainTimeout, parseRepairBandwidth, parseRepairInterval } from './repair-flags.js'
import type { NodeSettingKey } from './settings.js'
import { parseNodeSpace } from './space.js'
import { parsePublicRanges } from './public-ranges.js'
import { parseUpnp } from './upnp.js'

export const NODE_SETTING_CHECKS: Record<NodeSettingKey, Check | undefined> = {
  space: parseNodeSpace,
  listen: checkListen,
  bootstrap: (text, where) => checkBootstrap([text], where),
  'bootstrap-timeout': parseBootstrapTimeout,
  api: parseApiAddress,
  'metrics-listen': parseApiAddress,
  replicas: checkReplicas,
  'repair-interval': parseRepairInterval,
  'repair-bandwidth': parseRepairBandwidth,
  'max-debt': parseSize,
  allowance: parseSize,
  upnp: parseUpnp,
  'public-ranges': (text, where) => parsePublicRanges([text], where),
  'drain-timeout': parseDrainTimeout,
  'log-level': undefined,
  'log-format': undefined
}
