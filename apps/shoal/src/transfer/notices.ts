import type { Notice } from './scan.js'

/** Examples a summary names; the count says how many there were in all. */
export const NOTICE_EXAMPLES = 10

/** How many of one kind of notice a command met, and the first few, as `--json` reports them. */
export interface NoticeCount { count: number, examples: Notice[] }

export interface NoticeCounter extends NoticeCount { add: (notice: Notice) => void }

export function noticeCount (): NoticeCounter {
  const counted = {
    count: 0,
    examples: [] as Notice[],
    add (notice: Notice): void {
      counted.count++
      if (counted.examples.length < NOTICE_EXAMPLES) counted.examples.push(notice)
    }
  }
  return counted
}
