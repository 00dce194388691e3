// The flags of `shoal node` that a config file or a SHOAL_* variable may also set, in the
// order `shoal init` writes them. Not here: --data (it holds the file; $SHOAL_DATA),
// --config, and --drain and --json, which are what one run does rather than how the node is.

export const NODE_SETTING_KEYS = [
  'space',
  'listen',
  'bootstrap',
  'bootstrap-timeout',
  'api',
  'metrics-listen',
  'replicas',
  'repair-interval',
  'repair-bandwidth',
  'max-debt',
  'allowance',
  'upnp',
  'public-ranges',
  'drain-timeout',
  'log-level',
  'log-format'
] as const

export type NodeSettingKey = typeof NODE_SETTING_KEYS[number]

/**
 * What `shoal init` writes, commented out, for a setting whose flag has no default: an
 * example, or the default the node takes when the flag is not given.
 */
export const NODE_SETTING_FALLBACKS: Partial<Record<NodeSettingKey, { kind: 'default' | 'example', value: string | string[] }>> = {
  space: { kind: 'example', value: '50GiB' },
  bootstrap: { kind: 'example', value: ['/ip4/192.0.2.10/tcp/4001/p2p/12D3KooWCkXRxhNhNzysHrLMvzP9BLm1twjUMX5hGHYnA1r2Qi98'] },
  'metrics-listen': { kind: 'example', value: '0.0.0.0:9464' },
  'max-debt': { kind: 'default', value: '4GiB' },
  allowance: { kind: 'default', value: '1GiB' },
  // only a lab whose "internet" is a reserved range needs it (docs/nat.md)
  'public-ranges': { kind: 'example', value: ['198.18.0.0/16'] }
}
