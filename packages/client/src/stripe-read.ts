// What the swarm needs to read an erasure-coded file: where each chunk was placed (around
// its stripe's key) and how to rebuild one no holder produces. A replicated file needs
// only its replica count.
import type { FileManifest } from '@shoal/manifest'
import type { Clock } from '@shoal/runtime'
import { StripeLayout } from './stripe-layout.js'
import { stripeRebuilder } from './stripe-rebuild.js'
import { asHolderSource, type SwarmOptions } from './swarm.js'
import type { ChunkSource } from './types.js'

export interface RedundancyReadOptions {
  /** index in the file of the first chunk read (a Range read starts mid-file) */
  first?: number
  clock?: Clock
  requestTimeoutMs?: number
}

export function redundancyOptions (manifest: FileManifest, source: ChunkSource, options: RedundancyReadOptions = {}): Pick<SwarmOptions, 'replicas' | 'placement' | 'rebuild'> {
  const redundancy = manifest.redundancy
  if (redundancy.scheme === 'replicate') return { replicas: redundancy.replicas }
  const layout = new StripeLayout(manifest)
  const rebuild = stripeRebuilder(layout, asHolderSource(source), options)
  const first = options.first ?? 0
  return {
    // the piece's own holder first; the stripe's other holders only when it fails
    replicas: 1,
    placement: index => {
      const stripe = layout.stripeOf(first + index)
      return layout.placement(stripe, first + index - stripe * layout.k)
    },
    rebuild: async (index, signal) => await rebuild(first + index, signal)
  }
}
