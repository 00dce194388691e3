// The web dashboard's API (README, "Web dashboard"; secrets in ui/sessions.ts):
// POST /v1/ui/codes     a one-time code for a link (`shoal ui`)
// POST /v1/ui/redeem    { code } → a session; needs no bearer, the code is the secret
// POST /v1/ui/sessions  a session for a caller holding the token (typed into the page)
// POST /v1/ui/downloads { uri } → a single-use ticket for GET /v1/ui/downloads/<ticket>,
//                       which streams the file as an attachment
// GET  /v1/transfers    the last uploads and downloads with their speed
import { readManifest, WrongTypeError } from '@shoal/client'
import { createNetworkSource } from '@shoal/node'
import { BadRequestError } from '../errors.js'
import { capabilityFromPath, readJsonBody, sendJson } from '../http.js'
import type { ApiContext, ApiRequest, Route } from '../server.js'
import { attachment } from '../ui/content-disposition.js'
import { DownloadTicketError, UiCodeError } from '../ui/errors.js'
import { CODE_TTL_MS, SESSION_IDLE_MS } from '../ui/sessions.js'
import { getFile } from './files.js'
import { uiPageRoutes } from './ui-page.js'

/** The largest JSON body these routes read: a URI or a code. */
const BODY_LIMIT = 16 * 1024

export const uiRoutes: Route[] = [
  ...uiPageRoutes,
  { method: 'POST', path: '/v1/ui/codes', handle: postCode },
  { method: 'POST', path: '/v1/ui/redeem', public: true, handle: redeemCode },
  { method: 'POST', path: '/v1/ui/sessions', handle: postSession },
  { method: 'POST', path: '/v1/ui/downloads', handle: postDownload },
  { method: 'GET', path: '/v1/ui/downloads/', public: true, handle: getDownload },
  { method: 'GET', path: '/v1/transfers', handle: getTransfers }
]

async function postCode (context: ApiContext, { res }: ApiRequest): Promise<void> {
  const code = context.ui.issueCode()
  sendJson(res, 201, { code, link: `${context.url()}/#code=${code}`, expiresInSeconds: CODE_TTL_MS / 1000 })
}

async function redeemCode (context: ApiContext, { req, res }: ApiRequest): Promise<void> {
  const { code } = await readJsonBody(req, BODY_LIMIT) as { code?: unknown }
  if (typeof code !== 'string') throw new BadRequestError('code must be a string')
  const session = context.ui.redeemCode(code)
  if (session === null) throw new UiCodeError()
  sendJson(res, 201, { session, idleSeconds: SESSION_IDLE_MS / 1000 })
}

async function postSession (context: ApiContext, { res }: ApiRequest): Promise<void> {
  sendJson(res, 201, { session: context.ui.issueSession(), idleSeconds: SESSION_IDLE_MS / 1000 })
}

async function postDownload (context: ApiContext, { req, res, signal }: ApiRequest): Promise<void> {
  const { uri } = await readJsonBody(req, BODY_LIMIT) as { uri?: unknown }
  if (typeof uri !== 'string') throw new BadRequestError('uri must be a string')
  // the manifest is read now, so that a wrong or unreachable URI is told to the page (a
  // download's error would only show in the browser's download list)
  const capability = capabilityFromPath(encodeURIComponent(uri.trim()))
  const source = createNetworkSource(context.node, { signal, network: await context.network(signal) })
  const manifest = await readManifest(capability, source, { signal })
  if (manifest.type !== 'file') throw new WrongTypeError(`the URI names a ${manifest.type}, not a file: only files download from the dashboard`)
  const filename = manifest.name ?? `shoal-${capability.cid.toString().slice(-12)}.bin`
  const ticket = context.ui.issueTicket({ uri: uri.trim(), filename })
  sendJson(res, 201, { ticket, name: filename, size: manifest.size })
}

async function getDownload (context: ApiContext, request: ApiRequest): Promise<void> {
  const ticket = context.ui.redeemTicket(request.rest)
  if (ticket === null) throw new DownloadTicketError()
  request.res.setHeader('content-disposition', attachment(ticket.filename))
  try {
    await getFile(context, { ...request, rest: encodeURIComponent(ticket.uri) })
  } catch (err) {
    // an error answer is shown, not saved as the file
    if (!request.res.headersSent) request.res.removeHeader('content-disposition')
    throw err
  }
}

async function getTransfers (context: ApiContext, { res }: ApiRequest): Promise<void> {
  sendJson(res, 200, context.transfers.list())
}
