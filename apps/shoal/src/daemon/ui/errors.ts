import { ApiError } from '../errors.js'

/** A dashboard link's code that is unknown, used already or expired. */
export class UiCodeError extends ApiError {
  static readonly code = 'ERR_UI_CODE'
  override name = 'UiCodeError'
  constructor () { super(401, UiCodeError.code, 'this dashboard link was used already or has expired; run `shoal ui` for a new one') }
}

/** A download ticket that is unknown, used already or expired. */
export class DownloadTicketError extends ApiError {
  static readonly code = 'ERR_DOWNLOAD_TICKET'
  override name = 'DownloadTicketError'
  constructor () { super(404, DownloadTicketError.code, 'this download link was used already or has expired; start the download again from the dashboard') }
}
