/**
 * The reader of `-o -` went away (`shoal get … -o - | head`): that is how a pipe ends,
 * not a failure, so stop quietly as `cat` would.
 */
export function quietOnClosedPipe (err: unknown): void {
  if ((err as { code?: string })?.code !== 'EPIPE') throw err
}
