// A STUN responder (RFC 5389 binding only) for the NAT lab, run with `node -e` in the
// hub namespace. miniupnpd refuses to map ports while its WAN address is reserved, as
// all of 198.18.0.0/15 is, unless STUN says the address is reachable as it is: it asks
// from four ports and wants four answers, each naming the port it asked from. This one
// answers every binding request from where it came, ignoring CHANGE-REQUEST.

export const STUN_PORT = 3478

export const STUN_SCRIPT = `
const dgram = require('node:dgram')
const COOKIE = 0x2112a442
const socket = dgram.createSocket('udp4')
socket.on('message', (msg, from) => {
  if (msg.length < 20 || msg.readUInt16BE(0) !== 0x0001) return
  const octets = from.address.split('.').map(Number)
  const attr = (type, xor) => {
    const a = Buffer.alloc(12)
    a.writeUInt16BE(type, 0); a.writeUInt16BE(8, 2); a.writeUInt8(1, 5)
    a.writeUInt16BE(xor ? from.port ^ (COOKIE >>> 16) : from.port, 6)
    const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0
    a.writeUInt32BE(xor ? (ip ^ COOKIE) >>> 0 : ip, 8)
    return a
  }
  const body = Buffer.concat([attr(0x0001, false), attr(0x0020, true)])
  const head = Buffer.alloc(20)
  head.writeUInt16BE(0x0101, 0); head.writeUInt16BE(body.length, 2); msg.copy(head, 4, 4, 20)
  socket.send(Buffer.concat([head, body]), from.port, from.address)
})
socket.bind(Number(process.argv[1]), process.argv[2], () => process.stdout.write('ready\\n'))
`
