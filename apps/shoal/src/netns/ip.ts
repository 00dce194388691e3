// Running iproute2's `ip`, and whether network namespaces can be had here at all.
import { execFile } from 'node:child_process'

/** An `ip` command failed; its own words are in the message. */
export class IpCommandError extends Error {
  static readonly code = 'ERR_IP_COMMAND'
  readonly code = IpCommandError.code
  override name = 'IpCommandError'
  constructor (args: string[], reason: string) {
    super(`ip ${args.join(' ')}: ${reason.trim()}`)
  }
}

/** Runs `ip ARGS` (bounded: 10 s); its stdout. */
export async function ip (args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: options.timeoutMs ?? 10_000 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout)
      else reject(new IpCommandError(args, stderr !== '' ? stderr : err.message))
    })
  })
}

/**
 * Why network namespaces cannot be used here (not root, no `ip`, a kernel or container
 * that refuses them), or null when they can: tried by making one and removing it.
 */
export async function netnsUnavailable (): Promise<string | null> {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'network namespaces need root (run as root, or without them)'
  try {
    await ip(['-V'])
  } catch {
    return 'the `ip` command is missing (Debian package iproute2)'
  }
  const probe = `shoalprobe${process.pid}`
  try {
    await ip(['netns', 'add', probe])
    await ip(['-n', probe, 'link', 'add', 'probe0', 'type', 'bridge'])
  } catch (err) {
    return `cannot make a network namespace with a bridge here: ${(err as Error).message}`
  } finally {
    await ip(['netns', 'del', probe]).catch(() => {})
  }
  return null
}

/** The network namespaces named by `name` (its first group: the pid of the run that made them) whose run is gone. */
export async function staleNamespaces (name: RegExp): Promise<string[]> {
  const names = (await ip(['netns', 'list'])).split('\n').map(line => line.split(' ')[0]).filter(n => n !== '')
  return names.filter(n => {
    const pid = Number(name.exec(n)?.[1])
    return Number.isInteger(pid) && !alive(pid)
  })
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
