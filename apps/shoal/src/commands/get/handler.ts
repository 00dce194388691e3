import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { EscapingLinkError } from '@shoal/client'
import { parseCapability } from '@shoal/manifest'
import { withBackend } from '../../backend/choose.js'
import type { CommonOptions } from '../../context.js'
import { println, type CommandIo } from '../../io.js'
import { createProgress } from '../../progress.js'
import { formatBytes } from '../../size.js'
import { getTree } from '../../transfer/get-tree.js'
import { leavingLinks, listTree } from '../../transfer/list-tree.js'
import { checkParent, chooseTarget, refuseExisting } from '../../transfer/target.js'
import { catHandler } from '../cat/handler.js'
import { showName } from '../escape.js'

export interface GetFlags extends CommonOptions { output?: string, allowEscapingLinks?: boolean, force?: boolean }

export async function getHandler (uri: string, flags: GetFlags, io: CommandIo): Promise<void> {
  if (flags.output === '-') {
    await catHandler(uri, flags, io)
    return
  }
  parseCapability(uri) // a malformed URI fails before any I/O
  const force = flags.force === true
  // what can be told without the manifest, before any I/O
  if (flags.output !== undefined) {
    const given = resolve(io.cwd, flags.output)
    if ((await stat(given).catch(() => null))?.isDirectory() !== true) {
      await checkParent(flags.output, given)
      await refuseExisting(given, force)
    }
  }
  const started = performance.now()
  const { result, target } = await withBackend(flags, io, {}, async (backend, signal) => {
    // the whole tree is listed first: every refusal comes before a byte is fetched
    const tree = await listTree(backend, uri, signal)
    const target = await chooseTarget(tree.top, { output: flags.output, cwd: io.cwd, force })
    const leaving = flags.allowEscapingLinks === true ? [] : leavingLinks(tree)
    if (leaving.length > 0) throw new EscapingLinkError(leaving, '--allow-escaping-links')
    const progress = createProgress('get', { quiet: flags.quiet === true || flags.json === true, stream: io.stderr })
    try {
      const result = await getTree(backend, uri, tree, target, { replace: force, signal, onProgress: p => progress.update(p) })
      return { result, target }
    } finally {
      progress.stop()
    }
  })
  const seconds = (performance.now() - started) / 1000
  if (flags.json === true) {
    println(io.stdout, JSON.stringify({
      path: target,
      type: result.type,
      size: result.size,
      files: result.files,
      links: result.links,
      seconds,
      fetchedBytes: result.fetchedBytes,
      resumedBytes: result.resumedBytes,
      duplicates: result.duplicates,
      blamed: result.blamed
    }))
    return
  }
  const resumed = result.resumedBytes > 0 ? `, ${formatBytes(result.resumedBytes)} resumed from an earlier run` : ''
  const links = result.links > 0 ? `, ${result.links} link${result.links === 1 ? '' : 's'}` : ''
  println(io.stderr, `wrote ${formatBytes(result.size)} (${result.files} file${result.files === 1 ? '' : 's'}${links}) to ${showName(target)} in ${seconds.toFixed(2)} s${resumed}`)
  for (const blame of result.blamed) println(io.stderr, `skipped holder ${blame.holder}: ${blame.reason}`)
}
