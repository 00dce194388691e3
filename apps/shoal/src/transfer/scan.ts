// What a put will store, read from the local file system before anything is stored: the
// tree's files, directories and symbolic links in name order, with the totals a progress
// bar needs, and what cannot be stored (sockets, devices, FIFOs) said rather than dropped.
import type { Stats } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { linkTarget, UnsupportedFileTypeError } from '@shoal/client'

interface Named {
  /** where it is read from on disk */
  path: string
  /** its path from the root of the put, '/'-separated ('' for the root) */
  relative: string
  name: string
}

export interface FileNode extends Named { kind: 'file', size: number, mode: number, mtime: number }
export interface DirectoryNode extends Named { kind: 'directory', mode: number, mtime: number, children: LocalNode[] }
export interface LinkNode extends Named { kind: 'symlink', target: string }
export type LocalNode = FileNode | DirectoryNode | LinkNode

/** Something the put leaves out or stores otherwise than asked, and why. */
export interface Notice { path: string, reason: string }

export interface ScanOptions {
  /** store what links point to instead of the links (a link that cannot be followed stays a link) */
  followSymlinks?: boolean
  /** an entry that is not stored at all (a socket, a device, a FIFO) */
  onSkipped?: (notice: Notice) => void
  /** a link --follow-symlinks could not follow (dangling, or a loop), stored as the link it is */
  onNotFollowed?: (notice: Notice) => void
}

export interface Scan {
  root: FileNode | DirectoryNode
  /** regular files in the tree, and their bytes */
  files: number
  bytes: number
}

/**
 * Walks `path` (absolute). The path itself is followed when it is a link, as `cp -r`
 * does with a link named on its command line; links inside are stored as links unless
 * `followSymlinks`, which follows them except where one leads back into a directory it
 * is already inside (a loop).
 */
export async function scanTree (path: string, options: ScanOptions = {}): Promise<Scan> {
  const info = await stat(path)
  if (!info.isFile() && !info.isDirectory()) throw new UnsupportedFileTypeError(path)
  const scan = { files: 0, bytes: 0 }
  const root = await nodeOf(path, '', basename(path), info, options, scan, []) as FileNode | DirectoryNode
  return { root, ...scan }
}

async function nodeOf (path: string, relative: string, name: string, info: Stats, options: ScanOptions, scan: { files: number, bytes: number }, inside: string[]): Promise<LocalNode | undefined> {
  const mode = info.mode & 0o7777
  const mtime = Math.floor(info.mtimeMs)
  if (info.isFile()) {
    scan.files++
    scan.bytes += info.size
    return { kind: 'file', path, relative, name, size: info.size, mode, mtime }
  }
  if (info.isDirectory()) {
    const id = `${info.dev}:${info.ino}`
    const names = (await readdir(path)).sort()
    const children: LocalNode[] = []
    for (const child of names) {
      const node = await childOf(join(path, child), relative === '' ? child : `${relative}/${child}`, child, options, scan, [...inside, id])
      if (node !== undefined) children.push(node)
    }
    return { kind: 'directory', path, relative, name, mode, mtime, children }
  }
  options.onSkipped?.({ path: relative, reason: kindOf(info) })
  return undefined
}

async function childOf (path: string, relative: string, name: string, options: ScanOptions, scan: { files: number, bytes: number }, inside: string[]): Promise<LocalNode | undefined> {
  const info = await lstat(path)
  if (!info.isSymbolicLink()) return await nodeOf(path, relative, name, info, options, scan, inside)
  const target = await linkTarget(path)
  if (target === undefined) {
    options.onSkipped?.({ path: relative, reason: 'a symbolic link whose target is not UTF-8 text (or too long) for a manifest' })
    return undefined
  }
  const link: LinkNode = { kind: 'symlink', path, relative, name, target }
  if (options.followSymlinks !== true) return link
  const followed = await stat(path).catch((err: NodeJS.ErrnoException) => err)
  if (followed instanceof Error) {
    options.onNotFollowed?.({ path: relative, reason: followed.code === 'ELOOP' ? 'too many levels of links' : 'it points to nothing' })
    return link
  }
  if (followed.isDirectory() && inside.includes(`${followed.dev}:${followed.ino}`)) {
    options.onNotFollowed?.({ path: relative, reason: 'it leads back into a directory it is in (a loop)' })
    return link
  }
  return await nodeOf(path, relative, name, followed, options, scan, inside)
}

function kindOf (info: Stats): string {
  if (info.isSocket()) return 'a socket'
  if (info.isFIFO()) return 'a FIFO'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  return 'not a file, directory or link'
}
