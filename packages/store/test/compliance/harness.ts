import type { Store } from '../../src/index.js'
import { MiB } from '../helpers.js'

export interface StoreFixture {
  /** a store offering the space asked for, not yet started */
  store: Store
  /** the implementation's own check that what it holds agrees with what it reports; run after every test */
  verify?: () => Promise<void>
  /**
   * Another store over the same data, as a restarted process would make (cleanup stops
   * it too); absent for a store whose data lives in the instance.
   */
  reopen?: () => Store
  /** stops the store if it runs and removes whatever it made */
  cleanup: () => Promise<void>
}

/** Makes a store offering `space` bytes; refuses a space that is not a whole number of bytes ≥ 0. */
export type MakeStore = (space: number) => Promise<StoreFixture>

/** Room for every test that is not about space. */
export const PLENTY = 64 * MiB

/** A test body run on a fixture (store not started), then verified and cleaned up. */
export function onFixture (make: MakeStore, space: number, body: (fixture: StoreFixture) => Promise<void>): () => Promise<void> {
  return async () => {
    const fixture = await make(space)
    try {
      await body(fixture)
      await fixture.verify?.()
    } finally {
      await fixture.cleanup()
    }
  }
}

/** A test body run on a started store. */
export function onStore (make: MakeStore, space: number, body: (store: Store) => Promise<void>): () => Promise<void> {
  return onFixture(make, space, async ({ store }) => {
    await store.start()
    await body(store)
  })
}
