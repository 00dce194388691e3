// The nftables ruleset of an emulated home router (nat-lab.ts), one per kind. Every
// router forwards its LAN out of wan0 behind a masquerade and drops what arrives on wan0
// unasked (new connections), as home routers do; the kinds differ in how ports are
// mapped and whether UPnP may open some.

/** How a lab router maps its LAN onto its WAN address. */
export type RouterKind =
  /** Linux's masquerade keeps a connection's source port when free: the same port for every peer (hole punching works) */
  | 'port-preserving'
  /** `masquerade random`: a new random port per connection (symmetric-like: hole punching fails) */
  | 'symmetric'
  /** port-preserving, and miniupnpd may add port forwards asked for over UPnP IGD or NAT-PMP */
  | 'upnp'

export const ROUTER_KINDS: readonly RouterKind[] = ['port-preserving', 'symmetric', 'upnp']

/** The WAN and LAN interfaces inside a router's namespace. */
export const WAN_IF = 'wan0'
export const LAN_IF = 'lan0'

/**
 * The table and chain names miniupnpd's nftables backend fills (its defaults: table
 * "filter", chains miniupnpd, prerouting_miniupnpd, postrouting_miniupnpd); the router's
 * own chains jump to them.
 */
export const UPNP_TABLE = 'filter'

export function routerRuleset (kind: RouterKind): string {
  const upnp = kind === 'upnp'
  const masquerade = kind === 'symmetric' ? 'masquerade random' : 'masquerade'
  return `
table inet ${UPNP_TABLE} {
  chain forward {
    type filter hook forward priority 0; policy drop;
    iifname "${LAN_IF}" oifname "${WAN_IF}" accept
    ct state established,related accept
    ${upnp ? 'jump miniupnpd' : ''}
  }
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "${WAN_IF}" ct state established,related accept
    iifname "${WAN_IF}" drop
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    ${upnp ? 'jump prerouting_miniupnpd' : ''}
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    ${upnp ? 'jump postrouting_miniupnpd' : ''}
    oifname "${WAN_IF}" ${masquerade}
  }
  ${upnp ? 'chain miniupnpd {\n  }\n  chain prerouting_miniupnpd {\n  }\n  chain postrouting_miniupnpd {\n  }' : ''}
}
`
}

/** miniupnpd's config for a router whose WAN address is `wan` and whose LAN is `lan` (a /24). */
export function miniupnpdConfig (init: { lan: string, uuid: string, leaseFile: string, stun: string, stunPort: number }): string {
  return [
    `ext_ifname=${WAN_IF}`,
    // the lab's WAN address is in 198.18.0.0/15, which miniupnpd counts as reserved (and
    // refuses as ext_ip): it maps ports only once STUN says the address is reachable as is
    'ext_perform_stun=yes',
    `ext_stun_host=${init.stun}`,
    `ext_stun_port=${init.stunPort}`,
    `listening_ip=${LAN_IF}`,
    'http_port=0',
    'enable_upnp=yes',
    'enable_natpmp=yes',
    'ipv6_disable=yes',
    'secure_mode=yes',
    'system_uptime=yes',
    `uuid=${init.uuid}`,
    `lease_file=${init.leaseFile}`,
    `upnp_table_name=${UPNP_TABLE}`,
    `upnp_nat_table_name=${UPNP_TABLE}`,
    `allow 1024-65535 ${init.lan} 1024-65535`,
    'deny 0-65535 0.0.0.0/0 0-65535',
    ''
  ].join('\n')
}
