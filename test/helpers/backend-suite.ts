// The data commands as a user runs them, the same tests against every backend: put, ls
// and get round trips of a file, an empty file and a tree, `-o -`, an interrupted get run
// again, a chunk nobody has, and the --json fields. Commands run in this process (cli.ts
// `run`), through the backend the fixture's flags choose.
import * as assert from 'uvu/assert'
import { suite, type Test } from 'uvu'
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { partialPaths, readManifest } from '@shoal/client'
import { parseCapability, type FileManifest } from '@shoal/manifest'
import { blobPath, blobSource, type BackendFixture } from './backends.js'
import { cli, lastLine } from './in-process.js'
import { isOneLineError } from './cli.js'

const MiB = 1024 * 1024

export interface SuiteContext { work: string }

/** Registers the shared tests on a suite named after the fixture; call `.run()` on it. */
export function backendSuite (fixture: BackendFixture): Test<SuiteContext> {
  const test = suite<SuiteContext>(`${fixture.name} backend`, { work: '' })
  const put = async (path: string, ...more: string[]): Promise<ReturnType<typeof cli>> => await cli(['put', path, ...fixture.writer(), ...more])
  const get = async (uri: string, output: string, ...more: string[]): Promise<ReturnType<typeof cli>> => await cli(['get', uri, '-o', output, ...fixture.reader(), ...more])
  const ls = async (uri: string, ...more: string[]): Promise<ReturnType<typeof cli>> => await cli(['ls', uri, ...fixture.reader(), ...more])

  test.before(async context => {
    context.work = await mkdtemp(join(tmpdir(), `shoal-${fixture.name}-suite-`))
    await fixture.start()
  })
  test.after(async context => {
    await fixture.stop()
    await rm(context.work, { recursive: true, force: true })
  })

  test('a file: put prints its URI last, get writes the exact bytes, ls describes it', async ({ work }) => {
    const data = randomBytes(5 * MiB + 3)
    await writeFile(join(work, 'in.bin'), data)
    await chmod(join(work, 'in.bin'), 0o604)
    const old = new Date('1999-12-31T23:59:59.250Z')
    await utimes(join(work, 'in.bin'), old, old)
    const stored = await put(join(work, 'in.bin'))
    assert.is(stored.code, 0, stored.stderr)
    const uri = lastLine(stored.stdout)
    assert.match(uri, /^shoal:b[a-z2-7]+#[a-z2-7]+$/)
    assert.match(stored.stderr, /^stored 5\.0 MiB in \d+ chunks \+ 1 manifest \(\d+ new, [\d.]+ MiB written\)( through http:\/\/\S+)? in [\d.]+ s\n$/)
    if (fixture.name === 'daemon') assert.ok(stored.stderr.includes(' through http://'), stored.stderr)

    const got = await get(uri, join(work, 'out.bin'))
    assert.is(got.code, 0, got.stderr)
    assert.is(Buffer.compare(await readFile(join(work, 'out.bin')), data), 0)
    const written = await stat(join(work, 'out.bin'))
    assert.is(written.mode & 0o777, 0o604, 'the recorded mode')
    assert.is(Math.floor(written.mtimeMs), old.getTime(), 'the recorded mtime')
    assert.match(got.stderr, /^wrote 5\.0 MiB \(1 file\) to \S+out\.bin in [\d.]+ s\n/)
    assert.equal((await readdir(work)).filter(name => name.includes('.shoal-')), [], 'no partial file left')

    const listed = await ls(uri, '--json')
    assert.is(listed.code, 0, listed.stderr)
    assert.equal(JSON.parse(listed.stdout), { type: 'file', entries: [{ name: 'in.bin', type: 'file', size: data.length, uri }] })
    const text = await ls(uri)
    assert.is(text.stdout, `-    5.0 MiB  in.bin  ${uri}\n`)

    const nowhere = await get(uri, join(work, 'no', 'such', 'dir', 'out.bin'))
    assert.is(nowhere.code, 2)
    assert.match(nowhere.stderr, /-o: .* is not a directory/)
  })

  test('--json: put and get print one object with the same fields in every mode', async ({ work }) => {
    // under the chunker's 256 KiB minimum: one chunk, whatever the bytes (300 KB could be cut in two)
    const data = randomBytes(200_000)
    await writeFile(join(work, 'j.bin'), data)
    const first = await put(join(work, 'j.bin'), '--json')
    assert.is(first.code, 0, first.stderr)
    assert.is(first.stdout.trim().split('\n').length, 1)
    assert.is(first.stderr, '')
    const out = JSON.parse(first.stdout)
    assert.equal(Object.keys(out), ['uri', 'size', 'chunks', 'manifests', 'newChunks', 'storedBytes', 'seconds', 'skipped'])
    assert.equal(out.skipped, { count: 0, examples: [] })
    assert.is(out.size, data.length)
    assert.is(out.chunks, 1)
    assert.is(out.manifests, 1)
    assert.is(out.newChunks, 2, 'one data chunk and the manifest')
    assert.ok(out.storedBytes > data.length)
    const again = JSON.parse((await put(join(work, 'j.bin'), '--json')).stdout)
    assert.is(again.newChunks, 0, 'the same file again stores nothing new')
    assert.is(again.uri, out.uri, 'the same file, the same URI')

    const got = await get(out.uri, join(work, 'j.out'), '--json')
    assert.is(got.code, 0, got.stderr)
    const result = JSON.parse(got.stdout)
    assert.equal(Object.keys(result), ['path', 'type', 'size', 'files', 'links', 'seconds', 'fetchedBytes', 'resumedBytes', 'duplicates', 'blamed'])
    // what varies with the run: the time, and the requests a network may duplicate in endgame
    assert.equal({ ...result, seconds: 0, fetchedBytes: 0, duplicates: 0 }, { path: join(work, 'j.out'), type: 'file', size: data.length, files: 1, links: 0, seconds: 0, fetchedBytes: 0, resumedBytes: 0, duplicates: 0, blamed: [] })
    assert.ok(Number.isInteger(result.duplicates) && result.duplicates >= 0, String(result.duplicates))
    assert.ok(result.fetchedBytes >= data.length - 1000, `fetched ${result.fetchedBytes}`)
    assert.is(Buffer.compare(await readFile(join(work, 'j.out')), data), 0)
  })

  test('--no-compress is honoured: text stores more than it would compressed', async ({ work }) => {
    await writeFile(join(work, 'text.txt'), 'shoal '.repeat(200_000))
    const packed = JSON.parse((await put(join(work, 'text.txt'), '--json')).stdout)
    const plain = JSON.parse((await put(join(work, 'text.txt'), '--json', '--no-compress')).stdout)
    assert.ok(packed.storedBytes < 100_000, `compressed: ${packed.storedBytes}`)
    assert.ok(plain.storedBytes > 1_200_000, `not compressed: ${plain.storedBytes}`)
    assert.is.not(plain.uri, packed.uri)
    const got = await get(plain.uri, join(work, 'text.out'))
    assert.is(got.code, 0, got.stderr)
    assert.is(await readFile(join(work, 'text.out'), 'utf8'), 'shoal '.repeat(200_000))
  })

  test('an empty file goes and comes back empty', async ({ work }) => {
    await writeFile(join(work, 'empty'), '')
    const stored = await put(join(work, 'empty'), '--json')
    assert.is(stored.code, 0, stored.stderr)
    const out = JSON.parse(stored.stdout)
    assert.is(out.size, 0)
    assert.is(out.chunks, 0)
    assert.is(out.manifests, 1)
    assert.is(out.newChunks, 1, 'the manifest, counted as such')
    const text = await put(join(work, 'empty'))
    assert.match(text.stderr, /^stored 0 B in 0 chunks \+ 1 manifest \(0 new, 0 B written\)/)
    const got = await get(out.uri, join(work, 'empty.out'), '--json')
    assert.is(got.code, 0, got.stderr)
    assert.is(JSON.parse(got.stdout).size, 0)
    assert.is((await stat(join(work, 'empty.out'))).size, 0)
    const streamed = await cli(['get', out.uri, '-o', '-', ...fixture.reader()])
    assert.is(streamed.code, 0, streamed.stderr)
    assert.is(streamed.out.length, 0)
  })

  test('a tree with nested directories: put, ls, get restore names, bytes, modes and mtimes', async ({ work }) => {
    const dir = join(work, 'tree')
    await mkdir(join(dir, 'sub', 'deeper'), { recursive: true })
    await mkdir(join(dir, 'bin'))
    await writeFile(join(dir, 'a.txt'), 'alpha\n')
    const inner = randomBytes(1_500_000)
    await writeFile(join(dir, 'sub', 'b.bin'), inner)
    await writeFile(join(dir, 'sub', 'deeper', 'empty'), '')
    const script = join(dir, 'bin', 'run.sh')
    await writeFile(script, '#!/bin/sh\necho hi\n')
    await chmod(script, 0o750)
    await chmod(join(dir, 'bin'), 0o711)
    const old = new Date('2001-02-03T04:05:06.789Z')
    await utimes(script, old, old)
    await utimes(join(dir, 'bin'), old, old)
    // many small files: several go at once, and the listing is in name order all the same
    let small = 0
    for (let i = 0; i < 30; i++) {
      const text = `file ${i}\n`
      await writeFile(join(dir, 'sub', `f${String(i).padStart(2, '0')}.txt`), text)
      small += text.length
    }

    const stored = await put(dir, '--json')
    assert.is(stored.code, 0, stored.stderr)
    const out = JSON.parse(stored.stdout)
    assert.is(out.size, 6 + 1_500_000 + 18 + small)
    assert.is(out.manifests, 34 + 4, 'one per file and per directory')
    assert.is(out.newChunks, out.chunks + out.manifests, 'every block new, and the numbers add up')
    const again = JSON.parse((await put(dir, '--json')).stdout)
    assert.is(again.uri, out.uri, 'the same tree, the same URI')

    const listed = await ls(out.uri, '--json')
    assert.is(listed.code, 0, listed.stderr)
    const listing = JSON.parse(listed.stdout) as { type: string, entries: Array<{ name: string, type: string, size: number }> }
    assert.is(listing.type, 'directory')
    assert.equal(listing.entries.map(e => [e.name, e.type, e.size]), [['a.txt', 'file', 6], ['bin', 'directory', 18], ['sub', 'directory', 1_500_000 + small]])
    const text = await ls(out.uri)
    assert.match(text.stdout, /^-\s+6 B {2}a\.txt {2}shoal:\S+\nd\s+18 B {2}bin\/ {2}shoal:\S+\nd\s+1\.4 MiB {2}sub\/ {2}shoal:\S+\n$/)

    const target = join(work, 'tree.out')
    const got = await get(out.uri, target, '--json')
    assert.is(got.code, 0, got.stderr)
    const result = JSON.parse(got.stdout)
    assert.is(result.type, 'directory')
    assert.is(result.files, 34)
    assert.is(result.size, out.size)
    assert.equal(await treeDigest(target), await treeDigest(dir))
    const file = await stat(join(target, 'bin', 'run.sh'))
    assert.is(file.mode & 0o777, 0o750, 'the script stays executable')
    assert.is(Math.floor(file.mtimeMs), old.getTime(), 'the script\'s mtime')
    const sub = await stat(join(target, 'bin'))
    assert.is(sub.mode & 0o777, 0o711, 'the directory\'s mode')
    assert.is(Math.floor(sub.mtimeMs), old.getTime(), 'the directory\'s mtime')
    assert.equal((await readdir(work)).filter(name => name.includes('.shoal-')), [], 'no partial tree left')

    // the target is a directory now: as with cp, the tree goes inside it, under its name
    const inside = await get(out.uri, target)
    assert.is(inside.code, 0, inside.stderr)
    assert.equal(await treeDigest(join(target, 'tree')), await treeDigest(dir))
    const exists = await get(out.uri, target)
    assert.is(exists.code, 1)
    assert.match(exists.stderr, /tree\.out\/tree already exists \(--force replaces it\) \(ERR_OUTPUT_EXISTS\)/)
  })

  test('get -o an existing directory writes into it under the recorded name; an existing target is refused before fetching unless --force; no partial is ever left', async ({ work }) => {
    const data = randomBytes(2 * MiB + 5)
    await writeFile(join(work, 'named.bin'), data)
    const uri = lastLine((await put(join(work, 'named.bin'))).stdout)
    const into = join(work, 'into')
    await mkdir(into)
    const partials = async (): Promise<string[]> => [...await readdir(work), ...await readdir(into)].filter(name => name.includes('.shoal-'))

    const first = await get(uri, into)
    assert.is(first.code, 0, first.stderr)
    assert.is(Buffer.compare(await readFile(join(into, 'named.bin')), data), 0)
    assert.match(first.stderr, /to \S+\/into\/named\.bin in /)
    assert.equal(await partials(), [])

    const again = await get(uri, into, '--json')
    assert.is(again.code, 1)
    assert.is(again.stderr, `shoal: ${join(into, 'named.bin')} already exists (--force replaces it) (ERR_OUTPUT_EXISTS)\n`)
    assert.equal(await partials(), [])

    // a file target: the same rule as a directory, no silent overwrite
    await writeFile(join(work, 'old.bin'), 'keep me')
    const kept = await get(uri, join(work, 'old.bin'))
    assert.is(kept.code, 1)
    assert.match(kept.stderr, /old\.bin already exists \(--force replaces it\) \(ERR_OUTPUT_EXISTS\)/)
    assert.is(await readFile(join(work, 'old.bin'), 'utf8'), 'keep me')
    const forced = await get(uri, join(work, 'old.bin'), '--force')
    assert.is(forced.code, 0, forced.stderr)
    assert.is(Buffer.compare(await readFile(join(work, 'old.bin')), data), 0)

    // --force replaces a directory with the file, and a directory with the directory
    await rm(join(into, 'named.bin'))
    await mkdir(join(into, 'named.bin', 'sub'), { recursive: true })
    assert.is((await get(uri, into, '--force')).code, 0)
    assert.is(Buffer.compare(await readFile(join(into, 'named.bin')), data), 0)
    const tree = join(work, 'ptree')
    await mkdir(tree)
    await writeFile(join(tree, 'a.txt'), 'a')
    const treeUri = lastLine((await put(tree)).stdout)
    assert.is((await get(treeUri, into)).code, 0)
    await writeFile(join(into, 'ptree', 'stale'), 'from before')
    assert.is((await get(treeUri, into)).code, 1)
    const replaced = await get(treeUri, into, '-f')
    assert.is(replaced.code, 0, replaced.stderr)
    assert.equal((await readdir(join(into, 'ptree'))).sort(), ['a.txt'])
    assert.equal(await partials(), [])
  })

  test('symbolic links: stored as links, listed, restored as links; links leading out are refused unless allowed; sockets and FIFOs are skipped out loud', async ({ work }) => {
    const dir = join(work, 'linked')
    await mkdir(join(dir, 'dir', 'deep'), { recursive: true })
    await writeFile(join(dir, 'dir', 'file.txt'), 'content\n')
    await chmod(join(dir, 'dir', 'file.txt'), 0o640)
    await writeFile(join(dir, 'dir', 'deep', 'x.bin'), randomBytes(70_000))
    await symlink('dir/file.txt', join(dir, 'rel'))
    await symlink('/etc/hostname', join(dir, 'abs'))
    await symlink('nowhere/at/all', join(dir, 'dangling'))
    await symlink('dir', join(dir, 'to-dir'))
    await symlink('../file.txt', join(dir, 'dir', 'deep', 'up'))
    execFileSync('mkfifo', [join(dir, 'dir', 'fifo')])
    const server = createServer()
    await new Promise<void>(resolve => server.listen(join(dir, 'sock'), resolve))
    let stored, text
    try {
      stored = await put(dir, '--json')
      text = await put(dir)
    } finally {
      await new Promise(resolve => server.close(resolve)) // removes the socket
    }
    assert.is(stored.code, 0, stored.stderr)
    const out = JSON.parse(stored.stdout)
    assert.equal(out.skipped, { count: 2, examples: [{ path: 'dir/fifo', reason: 'a FIFO' }, { path: 'sock', reason: 'a socket' }] })
    assert.match(stored.stderr, /^shoal: skipped dir\/fifo: a FIFO \(only files, directories and symbolic links are stored\)\nshoal: skipped sock: a socket/)
    assert.match(text.stderr, /; skipped 2 entries that are not a file, directory or symbolic link\n$/)

    const listed = JSON.parse((await ls(out.uri, '--json')).stdout)
    assert.equal(listed.entries.map((e: { name: string, type: string, target?: string }) => [e.name, e.type, e.target]), [
      ['abs', 'symlink', '/etc/hostname'], ['dangling', 'symlink', 'nowhere/at/all'], ['dir', 'directory', undefined],
      ['rel', 'symlink', 'dir/file.txt'], ['to-dir', 'symlink', 'dir']
    ])
    assert.match((await ls(out.uri)).stdout, /\nl {10}- {2}rel -> dir\/file\.txt\n/)

    const refused = await get(out.uri, join(work, 'linked.refused'))
    assert.is(refused.code, 1, refused.stderr)
    assert.match(refused.stderr, /^shoal: refusing to restore 1 symbolic link that points outside the output directory \("abs" -> "\/etc\/hostname"\); --allow-escaping-links restores them as they are \(ERR_ESCAPING_LINK\)\n$/)
    assert.equal((await readdir(work)).filter(name => name.includes('linked.refused')), [], 'nothing written, no partial tree')

    const target = join(work, 'linked.out')
    const got = await get(out.uri, target, '--allow-escaping-links', '--json')
    assert.is(got.code, 0, got.stderr)
    assert.is(JSON.parse(got.stdout).links, 5)
    const expected = (await treeListing(dir)).filter(line => !line.startsWith('dir/fifo') && !line.startsWith('sock'))
    assert.equal(await treeListing(target), expected)
    assert.ok(expected.includes('abs -> /etc/hostname') && expected.includes('dir/deep/up -> ../file.txt'), expected.join('\n'))

    // --follow-symlinks: what the links point to; one that cannot be followed stays a link
    await symlink('..', join(dir, 'dir', 'loop'))
    const followed = await put(dir, '--json', '--follow-symlinks')
    assert.is(followed.code, 0, followed.stderr)
    const result = JSON.parse(followed.stdout)
    const loop = 'it leads back into a directory it is in (a loop)'
    assert.equal(result.notFollowed, { count: 3, examples: [{ path: 'dangling', reason: 'it points to nothing' }, { path: 'dir/loop', reason: loop }, { path: 'to-dir/loop', reason: loop }] })
    const top = JSON.parse((await ls(result.uri, '--json')).stdout)
    assert.equal(top.entries.map((e: { name: string, type: string }) => [e.name, e.type]), [
      ['abs', 'file'], ['dangling', 'symlink'], ['dir', 'directory'], ['rel', 'file'], ['to-dir', 'directory']
    ])
  })

  test('put - reads standard input: a file named by --name, or by nothing at all', async ({ work }) => {
    const piped = randomBytes(1_200_000)
    const anonymous = await cli(['put', '-', ...fixture.writer(), '--json'], { stdin: piped })
    assert.is(anonymous.code, 0, anonymous.stderr)
    const out = JSON.parse(anonymous.stdout)
    assert.is(out.size, piped.length)
    assert.equal(JSON.parse((await ls(out.uri, '--json')).stdout), { type: 'file', entries: [{ name: '', type: 'file', size: piped.length, uri: out.uri }] })
    const got = await get(out.uri, join(work, 'from-stdin.bin'))
    assert.is(got.code, 0, got.stderr)
    assert.is(Buffer.compare(await readFile(join(work, 'from-stdin.bin')), piped), 0)

    const named = await cli(['put', '-', '--name', 'piped.txt', ...fixture.writer()], { stdin: Buffer.from('through a pipe\n') })
    assert.is(named.code, 0, named.stderr)
    const listed = JSON.parse((await ls(lastLine(named.stdout), '--json')).stdout)
    assert.is(listed.entries[0].name, 'piped.txt')
    const badName = await cli(['put', '-', '--name', 'a/b', ...fixture.writer()], { stdin: Buffer.from('x') })
    assert.is(badName.code, 2)
    assert.match(badName.stderr, /--name: a\/b "a\/b" must not contain '\/'/)
  })

  test('without -o, get writes under the recorded name in the working directory; with no name recorded it says to give -o', async ({ work }) => {
    const here = join(work, 'here')
    await mkdir(here)
    const data = randomBytes(300_000)
    await writeFile(join(work, 'recorded.bin'), data)
    const uri = lastLine((await put(join(work, 'recorded.bin'))).stdout)
    const got = await cli(['get', uri, ...fixture.reader()], { cwd: here })
    assert.is(got.code, 0, got.stderr)
    assert.is(Buffer.compare(await readFile(join(here, 'recorded.bin')), data), 0)
    const twice = await cli(['get', uri, ...fixture.reader()], { cwd: here })
    assert.is(twice.code, 1)
    assert.match(twice.stderr, /recorded\.bin already exists \(--force replaces it\) \(ERR_OUTPUT_EXISTS\)/)

    await mkdir(join(work, 'named-tree', 'in'), { recursive: true })
    await writeFile(join(work, 'named-tree', 'in', 'f'), 'f')
    const treeUri = lastLine((await put(join(work, 'named-tree'))).stdout)
    assert.is((await cli(['get', treeUri, ...fixture.reader()], { cwd: here })).code, 0)
    assert.is(await readFile(join(here, 'named-tree', 'in', 'f'), 'utf8'), 'f')

    const stdinUri = lastLine((await cli(['put', '-', ...fixture.writer()], { stdin: Buffer.from('no name\n') })).stdout)
    const nameless = await cli(['get', stdinUri, ...fixture.reader()], { cwd: here })
    assert.is(nameless.code, 2)
    assert.is(nameless.stderr, 'shoal: the URI records no name for the file: say where to write it with -o PATH\n')
    const intoDir = await get(stdinUri, here)
    assert.is(intoDir.code, 2)
    assert.match(intoDir.stderr, /is a directory, and the URI records no name to write the file under in it/)
    assert.equal((await readdir(here)).filter(name => name.includes('.shoal-')), [])
  })

  test('cat writes a file to stdout; ls -R lists a tree by paths; names with control characters are shown escaped, never raw', async ({ work }) => {
    const dir = join(work, 'odd')
    const red = 'esc\x1b[31mred'
    await mkdir(join(dir, red), { recursive: true })
    await writeFile(join(dir, 'plain.txt'), 'plain\n')
    await writeFile(join(dir, 'line\nbreak'), 'two\nlines\n')
    await writeFile(join(dir, red, 'inner.txt'), 'inner\n')
    execFileSync('mkfifo', [join(dir, 'fifo\nx')])
    const stored = await put(dir)
    assert.is(stored.code, 0, stored.stderr)
    assert.match(stored.stderr, /^shoal: skipped fifo\\nx: a FIFO /)
    const uri = lastLine(stored.stdout)

    const listed = await ls(uri)
    assert.is(listed.code, 0, listed.stderr)
    assert.not.ok(listed.stdout.includes('\x1b'), 'no raw ESC')
    // the name column: between the size and the URI
    const names = (stdout: string): string[] => stdout.trim().split('\n').map(row => row.replace(/^[-d] +[\d.]+ \S+ {2}/, '').replace(/ {2}shoal:\S+$/, ''))
    assert.equal(names(listed.stdout), ['esc\\x1b[31mred/', 'line\\nbreak', 'plain.txt'])

    const tree = await ls(uri, '-R')
    assert.is(tree.code, 0, tree.stderr)
    assert.equal(names(tree.stdout), ['esc\\x1b[31mred/', 'esc\\x1b[31mred/inner.txt', 'line\\nbreak', 'plain.txt'])
    const json = JSON.parse((await ls(uri, '-R', '--json')).stdout)
    assert.equal(json.entries.map((e: { path: string, name: string }) => [e.path, e.name]), [[red, red], [`${red}/inner.txt`, 'inner.txt'], ['line\nbreak', 'line\nbreak'], ['plain.txt', 'plain.txt']])

    const target = join(work, 'out\x1b[2Jdir')
    const got = await get(uri, target)
    assert.is(got.code, 0, got.stderr)
    assert.ok(got.stderr.includes('out\\x1b[2Jdir in '), got.stderr)
    assert.is(await readFile(join(target, 'line\nbreak'), 'utf8'), 'two\nlines\n')

    const plain = json.entries.find((e: { name: string }) => e.name === 'plain.txt').uri
    const cat = await cli(['cat', plain, ...fixture.reader()])
    assert.is(cat.code, 0, cat.stderr)
    assert.is(cat.stdout, 'plain\n')
    assert.is(cat.stderr, '')
    const notFile = await cli(['cat', uri, ...fixture.reader()])
    assert.is(notFile.code, 1)
    assert.match(notFile.stderr, /ERR_WRONG_TYPE/)
  })

  test('-o - streams a file to stdout, byte for byte; a directory there is refused', async ({ work }) => {
    const data = randomBytes(3 * MiB + 17)
    await writeFile(join(work, 's.bin'), data)
    const uri = lastLine((await put(join(work, 's.bin'))).stdout)
    const streamed = await cli(['get', uri, '-o', '-', ...fixture.reader()])
    assert.is(streamed.code, 0, streamed.stderr)
    assert.is(streamed.stderr, '')
    assert.is(Buffer.compare(streamed.out, data), 0)

    await mkdir(join(work, 'one'))
    await writeFile(join(work, 'one', 'x'), 'x')
    const dirUri = lastLine((await put(join(work, 'one'))).stdout)
    const refused = await cli(['get', dirUri, '-o', '-', ...fixture.reader()])
    assert.is(refused.code, 1)
    assert.match(refused.stderr, /ERR_WRONG_TYPE/)
    assert.ok(isOneLineError(refused.stderr), refused.stderr)
  })

  test('an interrupted get, run again, fetches only what is missing and ends with the exact file', async ({ work }) => {
    const data = randomBytes(48 * MiB)
    await writeFile(join(work, 'big.bin'), data)
    const uri = lastLine((await put(join(work, 'big.bin'))).stdout)
    const target = join(work, 'big.out')
    const partial = partialPaths(target, parseCapability(uri).cid)
    const stop = new AbortController()
    const watching = (async () => {
      // stop it as Ctrl-C would once some of it is on disk
      while (!stop.signal.aborted) {
        if (((await stat(partial.data).catch(() => null))?.size ?? 0) >= 4 * MiB) stop.abort()
        await new Promise(resolve => setTimeout(resolve, 2))
      }
    })()
    const first = await cli(['get', uri, '-o', target, ...fixture.reader(), '--json'], { signal: stop.signal })
    stop.abort()
    await watching
    assert.is(first.code, 130, `the first get was not interrupted: ${first.stderr}`)
    assert.is(first.stderr, 'shoal: interrupted (ERR_INTERRUPTED)\n')
    assert.ok(existsSync(partial.data) && existsSync(partial.state), 'the partial file and its state stay')
    assert.not.ok(existsSync(target), 'nothing under the target name')

    const again = await cli(['get', uri, '-o', target, ...fixture.reader(), '--json'])
    assert.is(again.code, 0, again.stderr)
    const result = JSON.parse(again.stdout)
    assert.ok(result.resumedBytes > 0, `resumed ${result.resumedBytes}`)
    assert.ok(result.fetchedBytes < data.length, `fetched ${result.fetchedBytes} of ${data.length}`)
    assert.is(result.size, data.length)
    assert.is(Buffer.compare(await readFile(target), data), 0)
    assert.not.ok(existsSync(partial.data) || existsSync(partial.state), 'no partial or state left')
  })

  test('an interrupted directory get, run again, keeps the files it finished and continues the others', async ({ work }) => {
    const dir = join(work, 'tree2')
    await mkdir(join(dir, 'sub'), { recursive: true })
    const small = randomBytes(200_000)
    const big = randomBytes(40 * MiB)
    await writeFile(join(dir, 'a.bin'), small)
    await writeFile(join(dir, 'sub', 'b.bin'), big)
    const uri = lastLine((await put(dir)).stdout)
    const target = join(work, 'tree2.out')
    const temp = partialPaths(target, parseCapability(uri).cid).data
    const stop = new AbortController()
    const watching = (async () => {
      while (!stop.signal.aborted) {
        const parts = await readdir(join(temp, 'sub')).catch(() => [])
        const sizes = await Promise.all(parts.filter(name => name.endsWith('.part')).map(async name => (await stat(join(temp, 'sub', name)).catch(() => null))?.size ?? 0))
        if (sizes.some(size => size >= 4 * MiB) && existsSync(join(temp, 'a.bin'))) stop.abort()
        await new Promise(resolve => setTimeout(resolve, 2))
      }
    })()
    const first = await cli(['get', uri, '-o', target, ...fixture.reader()], { signal: stop.signal })
    stop.abort()
    await watching
    assert.is(first.code, 130, `the first get was not interrupted: ${first.stderr}`)
    assert.is(first.stderr, 'shoal: interrupted (ERR_INTERRUPTED)\n')
    assert.not.ok(existsSync(target), 'nothing under the target name')
    assert.ok(existsSync(join(temp, 'a.bin')), 'the finished file stays in the partial tree')

    const again = await cli(['get', uri, '-o', target, ...fixture.reader(), '--json'])
    assert.is(again.code, 0, again.stderr)
    const result = JSON.parse(again.stdout)
    assert.is(result.type, 'directory')
    assert.is(result.files, 2)
    assert.is(result.size, small.length + big.length)
    assert.ok(result.resumedBytes > small.length, `resumed ${result.resumedBytes}`)
    assert.ok(result.fetchedBytes < big.length, `fetched ${result.fetchedBytes}`)
    assert.is(Buffer.compare(await readFile(join(target, 'a.bin')), small), 0)
    assert.is(Buffer.compare(await readFile(join(target, 'sub', 'b.bin')), big), 0)
    assert.equal(await readdir(join(target, 'sub')), ['b.bin'])
    assert.not.ok(existsSync(temp), 'the partial tree is gone')
  })

  test('a URI nobody stored: get and ls fail in one line naming the missing chunk, and leave nothing', async ({ work }) => {
    await writeFile(join(work, 'elsewhere.txt'), 'only in another vault\n')
    const other = await cli(['put', join(work, 'elsewhere.txt'), '--vault', join(work, 'other-vault'), '--data', join(work, 'other-data')])
    assert.is(other.code, 0, other.stderr)
    const uri = lastLine(other.stdout)
    const got = await get(uri, join(work, 'nowhere.txt'))
    assert.is(got.code, 1, got.stderr)
    assert.match(got.stderr, /^shoal: chunk \S+ not found \(ERR_CHUNK_NOT_FOUND\)\n$/)
    assert.equal((await readdir(work)).filter(name => name.includes('nowhere')), [])
    const listed = await ls(uri)
    assert.is(listed.code, 1)
    assert.match(listed.stderr, /^shoal: chunk \S+ not found \(ERR_CHUNK_NOT_FOUND\)\n$/)
  })

  test('a data chunk gone from every vault: the get names it and leaves no partial file', async ({ work }) => {
    const data = randomBytes(6 * MiB)
    await writeFile(join(work, 'holed.bin'), data)
    const uri = lastLine((await put(join(work, 'holed.bin'))).stdout)
    const manifest = await readManifest(uri, blobSource(fixture.vaults())) as FileManifest
    assert.ok(manifest.chunks.length >= 3, `${manifest.chunks.length} chunks`)
    // the last one: through a daemon the first bytes are already on their way when it is missed
    const gone = manifest.chunks[manifest.chunks.length - 1].cid
    for (const vault of fixture.vaults()) await rm(blobPath(vault, gone), { force: true })
    const target = join(work, 'holed.out')
    const got = await get(uri, target)
    assert.is(got.code, 1, got.stderr)
    assert.is(got.stderr, `shoal: chunk ${gone.toString()} not found (ERR_CHUNK_NOT_FOUND)\n`)
    assert.equal((await readdir(work)).filter(name => name.includes('holed.out')), [], 'no partial file, no target')
  })

  return test
}

/**
 * What `diff -r` and `ls -l` would compare, by path: each directory and file with its
 * permission bits, each file's bytes, each link's target (never followed).
 */
export async function treeListing (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name)
    const info = await lstat(path)
    const mode = (info.mode & 0o777).toString(8)
    if (info.isSymbolicLink()) out.push(`${name} -> ${await readlink(path)}`)
    else if (info.isDirectory()) out.push(`${name}/ ${mode}`, ...(await treeListing(path)).map(line => `${name}/${line}`))
    else if (info.isFile()) out.push(`${name} ${mode} ${createHash('sha256').update(await readFile(path)).digest('hex')}`)
    else out.push(`${name} (special)`)
  }
  return out
}

/** Every file under `dir` with its content's bytes, and every directory, by path. */
export async function treeDigest (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name < b.name ? -1 : 1)) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(`${entry.name}/`, ...(await treeDigest(path)).map(line => `${entry.name}/${line}`))
    else out.push(`${entry.name} ${(await readFile(path)).toString('base64')}`)
  }
  return out
}
