// The daemon's record of what it uploaded: kept across a restart (a reopen), a directory
// takes over its entries, and only uploads with less than a third of their lease left are due.
import { mkdtemp, rm, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openUploads, UPLOADS_FILE } from '../src/daemon/uploads.js'

const DAY = 24 * 3600_000

test('due after two thirds of the lease; a directory covers its entries; renewals and removals survive a reopen and a torn last line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-uploads-'))
  try {
    const uploads = await openUploads(dir)
    await uploads.add('shoal:a', 90 * DAY, 0)
    await uploads.add('shoal:b', 90 * DAY, 0)
    await uploads.add('shoal:tree', 90 * DAY, 0, ['shoal:a'])
    await uploads.add('shoal:gone', 30 * DAY, 0)
    assert.is(uploads.size, 3)
    assert.equal(uploads.due(19 * DAY, 16).map(u => u.uri), [])
    assert.equal(uploads.due(21 * DAY, 16).map(u => u.uri), ['shoal:gone'])
    assert.equal(uploads.due(61 * DAY, 16).map(u => u.uri), ['shoal:gone', 'shoal:b', 'shoal:tree'])
    await uploads.renewed('shoal:b', 151 * DAY)
    await uploads.forget('shoal:gone')
    await appendFile(join(dir, UPLOADS_FILE), '{"add":"shoal:half') // a crash mid-append

    const reopened = await openUploads(dir)
    assert.is(reopened.size, 2)
    assert.equal(reopened.due(61 * DAY, 16).map(u => u.uri), ['shoal:tree'])
    assert.equal(reopened.due(121 * DAY, 1).map(u => u.uri), ['shoal:tree'], 'at most `limit`, soonest first')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
