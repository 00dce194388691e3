// The line between another machine's manifest and this file system: a name a get writes
// must be one entry of the directory it is written into, on this operating system.
import { entryNameProblem } from '@shoal/manifest'
import { UnsafeNameError } from './errors.js'

/** Device names Windows opens instead of a file, whatever the extension ("CON.txt", "com1 .log"). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])\s*(\..*)?$/i
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const WINDOWS_FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f]/

/**
 * Why `name` cannot be written as one entry on `platform`, or undefined when it can. Everywhere: what
 * the manifest decoder refuses ('', '.', '..', '/', NUL, too long). On Windows also '\\'
 * and ':' (a path, a drive, a stream), the other characters it forbids, device names, and
 * a trailing dot or space (Windows drops it, so the entry would land under another name).
 */
function localNameProblem (name: string, platform: NodeJS.Platform = process.platform): string | undefined {
  const problem = entryNameProblem(name)
  if (problem !== undefined) return problem
  if (platform !== 'win32') return undefined
  if (WINDOWS_FORBIDDEN.test(name)) return 'holds a character Windows does not allow in a name (one of <>:"/\\|?* or a control character)'
  if (WINDOWS_DEVICE.test(name)) return 'is a device name on Windows'
  if (/[. ]$/.test(name)) return 'ends with a dot or a space, which Windows drops'
  return undefined
}

/** @throws UnsafeNameError when `name` cannot be written as one entry here */
export function checkLocalName (name: string, platform: NodeJS.Platform = process.platform): void {
  const problem = localNameProblem(name, platform)
  if (problem !== undefined) throw new UnsafeNameError(name, problem)
}
