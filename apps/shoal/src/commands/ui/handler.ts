import { answerSignal, requireDaemon } from '../../daemon-client.js'
import { println, type CommandIo } from '../../io.js'

export async function uiHandler (flags: { data?: string, json?: boolean }, io: CommandIo): Promise<void> {
  const daemon = await requireDaemon(flags, io)
  // the code rides in the link's fragment, which a browser never sends: no log sees it
  const { link, expiresInSeconds } = await daemon.json<{ link: string, expiresInSeconds: number }>('POST', '/v1/ui/codes', { signal: answerSignal(io) })
  if (flags.json === true) {
    println(io.stdout, JSON.stringify({ link, expiresInSeconds }))
    return
  }
  println(io.stderr, `open this link in a browser on this machine within ${Math.round(expiresInSeconds / 60)} minutes; it signs in once:`)
  println(io.stdout, link)
}
