// `shoal node --metrics-listen HOST:PORT`: /metrics alone on an address of its own, with
// no token, for a Prometheus that scrapes many nodes (the compose network's). What it
// serves is counts, sizes and timings: no capability, no path, no key; the API with its
// token stays where --api puts it (loopback by default).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'

export interface MetricsListener {
  /** http://host:port/metrics */
  url: string
  stop: () => Promise<void>
}

export async function listenForScrapes (registry: Registry, address: { host: string, port: number }): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n')
      return
    }
    registry.metrics().then(text => {
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
      res.end(req.method === 'HEAD' ? undefined : text)
    }, () => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(address.port, address.host, () => { server.off('error', reject); resolve() })
  })
  const bound = server.address() as AddressInfo
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address
  return {
    url: `http://${host}:${bound.port}/metrics`,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => { resolve() }))
    }
  }
}
