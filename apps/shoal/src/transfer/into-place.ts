import { lstat, rename, rm } from 'node:fs/promises'
import { refuseExisting } from './target.js'

/**
 * Renames `ready`, complete, to `target`. Something there already (put there after the
 * get checked) is refused unless `replace`; then a file takes the place of a file or
 * link at once (rename), and anything else is moved aside first and removed after, so
 * the old one goes only once the new one is whole.
 */
export async function moveIntoPlace (ready: string, target: string, replace: boolean): Promise<void> {
  await refuseExisting(target, replace)
  const existing = await lstat(target).catch(() => null)
  if (existing === null || (!existing.isDirectory() && !(await lstat(ready)).isDirectory())) {
    await rename(ready, target)
    return
  }
  const aside = `${ready}.old`
  await rename(target, aside)
  await rename(ready, target)
  await rm(aside, { recursive: true, force: true })
}
