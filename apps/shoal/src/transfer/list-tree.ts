// What a get will write, listed before anything is written: every directory listing of
// the tree, the totals a progress bar needs, and its links, so that links leading out of
// the tree (through one another, too) are refused before a byte is fetched.
import { checkLocalName, eachAtOnce, FILES_AT_ONCE, LinkTree, WrongTypeError, type LinkRef } from '@shoal/client'
import type { Backend, Listing } from '../backend/backend.js'

/** A directory of the tree: its listing, and those of its subdirectories by name. */
export interface RemoteDirectory { listing: Listing, children: Map<string, RemoteDirectory> }

export interface RemoteTree {
  /** what the URI names */
  top: Listing
  /** the whole tree, when the URI names a directory */
  directory?: RemoteDirectory
  /** regular files, and their bytes */
  files: number
  bytes: number
  /** every link, by its path from the root */
  links: LinkRef[]
  tree: LinkTree
}

export async function listTree (backend: Backend, uri: string, signal?: AbortSignal): Promise<RemoteTree> {
  const top = await backend.list(uri, { signal })
  const tree: RemoteTree = { top, files: 0, bytes: 0, links: [], tree: new LinkTree() }
  if (top.type === 'file') {
    tree.files = 1
    tree.bytes = top.size
    return tree
  }
  tree.directory = await walk(top, '', backend, tree, signal)
  return tree
}

async function walk (listing: Listing, relative: string, backend: Backend, tree: RemoteTree, signal?: AbortSignal): Promise<RemoteDirectory> {
  const children = new Map<string, RemoteDirectory>()
  await eachAtOnce(listing.entries, FILES_AT_ONCE, async entry => {
    checkLocalName(entry.name)
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`
    if (entry.type === 'symlink') {
      tree.links.push({ path, target: entry.target })
      tree.tree.add(path, entry.target)
    } else if (entry.type === 'file') {
      tree.files++
      tree.bytes += entry.size
    } else {
      const inner = await backend.list(entry.uri, { signal })
      if (inner.type !== 'directory') throw new WrongTypeError(`${JSON.stringify(path)}: listed as a directory, manifest is a ${inner.type}`)
      children.set(entry.name, await walk(inner, path, backend, tree, signal))
    }
  })
  return { listing, children }
}

/** The links of the tree that would lead out of it (absolute, or climbing out). */
export function leavingLinks (tree: RemoteTree): LinkRef[] {
  return tree.links.filter(link => tree.tree.leaves(link.path, link.target))
}
