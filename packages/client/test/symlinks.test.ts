// Symbolic links in a directory put and get: stored as links (never followed), restored
// as links, and refused where they would lead outside the tree unless allowed.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { lstat, mkdir, readdir, readlink, writeFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { EscapingLinkError, getFile, LinkTree, put, readManifest } from '../src/index.js'
import { openTempVault, SECRET } from './helpers.js'

test('LinkTree: absolute targets and climbs above the root leave; so does a climb through another link', () => {
  const tree = new LinkTree()
  tree.add('sub/up', '..') // to the root: inside
  tree.add('sub/loop', 'loop') // to itself: cannot be followed anywhere
  assert.not.ok(tree.leaves('sub/up', '..'))
  assert.ok(tree.leaves('abs', '/etc/passwd'))
  assert.ok(tree.leaves('out', '..'))
  assert.ok(tree.leaves('sub/out', '../..'))
  assert.not.ok(tree.leaves('sub/in', '../sub/./x'))
  assert.ok(tree.leaves('a/b/c', '../../../x'))
  assert.not.ok(tree.leaves('a/b/c', '../../x/../y'))
  // lexically sub/up/.. is sub, but sub/up is the root, and the root's parent is outside
  assert.ok(tree.leaves('sub/sneaky', 'up/..'))
  assert.ok(tree.leaves('via', 'sub/up/../x'), 'a link to the root, then up')
  assert.not.ok(tree.leaves('sub/self', 'loop/x'))
  // a link named with other case or Unicode form counts too (one file on some file systems)
  assert.ok(tree.leaves('sub/case', 'UP/..'))
})

test('a tree with relative, absolute, dangling and directory links: put stores them as links, get restores them when allowed', async () => {
  const vault = await openTempVault()
  try {
    const root = join(vault.dir, 'tree')
    await mkdir(join(root, 'dir'), { recursive: true })
    await writeFile(join(root, 'dir', 'file.txt'), 'content\n')
    await symlink('dir/file.txt', join(root, 'rel'))
    await symlink('/etc/hostname', join(root, 'abs'))
    await symlink('no-such-file', join(root, 'dangling'))
    await symlink('dir', join(root, 'to-dir'))
    execFileSync('mkfifo', [join(root, 'fifo')])
    const skipped: string[] = []
    const { uri } = await put(root, vault.store, { convergenceSecret: SECRET, onSkipped: path => skipped.push(path) })
    assert.equal(skipped, [join(root, 'fifo')])
    const manifest = await readManifest(uri, vault.store)
    if (manifest.type !== 'directory') throw new Error('not a directory')
    assert.is(manifest.version, 2)
    assert.equal(manifest.entries.map(e => e.type === 'symlink' ? `${e.name} -> ${e.target}` : `${e.name} ${e.type}`),
      ['abs -> /etc/hostname', 'dangling -> no-such-file', 'dir directory', 'rel -> dir/file.txt', 'to-dir -> dir'])

    const refused = join(vault.dir, 'refused')
    let error: unknown
    try {
      await getFile(uri, vault.store, refused)
    } catch (err) {
      error = err
    }
    assert.instance(error, EscapingLinkError)
    assert.equal((error as EscapingLinkError).links, [{ path: 'abs', target: '/etc/hostname' }])
    assert.not.ok(existsSync(refused))
    assert.equal((await readdir(vault.dir)).filter(name => name.includes('.shoal-')), [], 'no partial tree')

    const out = join(vault.dir, 'out')
    await getFile(uri, vault.store, out, { allowEscapingLinks: true })
    for (const [name, target] of [['abs', '/etc/hostname'], ['dangling', 'no-such-file'], ['rel', 'dir/file.txt'], ['to-dir', 'dir']]) {
      assert.ok((await lstat(join(out, name))).isSymbolicLink(), name)
      assert.is(await readlink(join(out, name)), target)
    }
    assert.equal((await readdir(out)).sort(), ['abs', 'dangling', 'dir', 'rel', 'to-dir'])
  } finally { await vault.cleanup() }
})

test.run()
