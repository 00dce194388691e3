// GET /healthz: the one route that needs no token, for a container's HEALTHCHECK or a load
// balancer. It says only whether the node runs (200) or not (503): no ID, version or count.
import type { ApiContext, ApiRequest, Route } from '../server.js'
import { sendJson } from '../http.js'

export const healthRoutes: Route[] = [
  { method: 'GET', path: '/healthz', head: true, public: true, handle: getHealth }
]

async function getHealth (context: ApiContext, { req, res }: ApiRequest): Promise<void> {
  const running = isRunning(context)
  if (req.method === 'HEAD') {
    res.writeHead(running ? 200 : 503, { 'cache-control': 'no-store' }).end()
    return
  }
  sendJson(res, running ? 200 : 503, { status: running ? 'ok' : 'stopped' })
}

function isRunning ({ node }: ApiContext): boolean {
  try {
    return node.libp2p.status === 'started'
  } catch {
    return false // NodeNotStartedError: libp2p is gone
  }
}
