// The web dashboard's page, script and style at GET /, /ui/app.js and /ui/app.css. They hold
// no secret, so they need no bearer; the page asks for one (ui/sessions.ts).
import type { ServerResponse } from 'node:http'
import type { ApiRequest, Route } from '../server.js'
import { PAGE_HTML } from '../ui/page-html.js'
import { PAGE_SCRIPT } from '../ui/page-script.js'
import { PAGE_STYLE } from '../ui/page-style.js'

/**
 * Only our own script, style and API; no inline script (an injected one would not run), no
 * framing (clickjacking), no referrer, no form posts.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:",
  "form-action 'none'", "frame-ancestors 'none'", "base-uri 'none'"
].join('; ')

export const uiPageRoutes: Route[] = [
  asset('/', 'text/html; charset=utf-8', PAGE_HTML),
  asset('/ui/app.js', 'text/javascript; charset=utf-8', PAGE_SCRIPT),
  asset('/ui/app.css', 'text/css; charset=utf-8', PAGE_STYLE)
]

function asset (path: string, type: string, text: string): Route {
  const body = Buffer.from(text)
  return {
    method: 'GET',
    path,
    head: true,
    public: true,
    handle: async (_context, { req, res }: ApiRequest) => { send(res, type, req.method === 'HEAD' ? null : body, body.byteLength) }
  }
}

function send (res: ServerResponse, type: string, body: Buffer | null, length: number): void {
  res.writeHead(200, {
    'content-type': type,
    'content-length': length,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    // the daemon may be upgraded under a tab: always the running version's page
    'cache-control': 'no-cache'
  })
  res.end(body ?? undefined)
}
