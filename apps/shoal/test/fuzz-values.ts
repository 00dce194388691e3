// Plausible values of every node setting, as a user types them, for the mutations of
// the settings and config file properties to start from.
import fc from 'fast-check'
import type { NODE_SETTING_CHECKS } from '../src/commands/node/setting-checks.js'

const number = fc.oneof(fc.nat({ max: 5000 }).map(String), fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 99 })).map(([a, b]) => `${a}.${b}`))
const sizeText = fc.tuple(number, fc.constantFrom('B', 'k', 'KB', 'MiB', 'GiB', 'tb', 'TiB', 'gb')).map(([n, u]) => `${n}${u}`)
export const durationText = fc.tuple(number, fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', 'y', ' days', 'hours')).map(([n, u]) => `${n}${u}`)
const octet = fc.nat({ max: 255 })
const ipv4 = fc.tuple(octet, octet, octet, octet).map(parts => parts.join('.'))
const port = fc.nat({ max: 65535 })
const address = fc.oneof(fc.tuple(fc.oneof(ipv4, fc.constant('localhost')), port).map(([h, p]) => `${h}:${p}`), port.map(p => `[::1]:${p}`))
const multiaddr = fc.tuple(ipv4, port).map(([h, p]) => `/ip4/${h}/tcp/${p}`)
const peer = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

/** A plausible value for each setting, for the mutations to start from. */
export const VALID_SETTING: Record<keyof typeof NODE_SETTING_CHECKS, fc.Arbitrary<string>> = {
  space: sizeText,
  listen: multiaddr,
  bootstrap: fc.oneof(multiaddr.map(a => `${a}/p2p/${peer}`), port.map(p => `/dns4/boot.example/tcp/${p}/p2p/${peer}`)),
  'bootstrap-timeout': number,
  api: address,
  'metrics-listen': address,
  replicas: fc.nat({ max: 70 }).map(String),
  'repair-interval': durationText,
  'repair-bandwidth': sizeText.map(s => `${s}/s`),
  'max-debt': sizeText,
  allowance: sizeText,
  upnp: fc.constantFrom('on', 'off'),
  'public-ranges': fc.tuple(ipv4, fc.nat({ max: 32 })).map(([ip, bits]) => `${ip}/${bits}`),
  'drain-timeout': durationText,
  'log-level': fc.constantFrom('error', 'warn', 'info', 'debug'),
  'log-format': fc.constantFrom('text', 'json')
}
