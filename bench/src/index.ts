// `npm run bench`: the offline pipeline (offline.ts), then the network (network.ts), each
// measured against its own ceiling in the same run. One part alone:
//   node bench/dist/src/index.js offline|network|churn     (or SHOAL_BENCH=…)
// churn (churn.ts) takes minutes of waiting for repair, and durability (durability.ts)
// minutes of CPU, so each only when named; so does restore (restore.ts: kill 3 of 10
// vaults holding 1 GiB, time until repair is done; its flags follow the name).
const parts = ['offline', 'network', 'churn', 'durability', 'restore'] as const
const chosen = process.argv[2] ?? process.env.SHOAL_BENCH ?? 'all'
if (chosen !== 'all' && !(parts as readonly string[]).includes(chosen)) {
  console.error(`usage: node bench/dist/src/index.js [all|${parts.join('|')}]  (got '${chosen}')`)
  process.exit(2)
}
if (chosen === 'all' || chosen === 'offline') await import('./offline.js')
if (chosen === 'all') console.log('')
if (chosen === 'all' || chosen === 'network') await (await import('./network.js')).networkBench()
if (chosen === 'churn') await (await import('./churn.js')).churnBench()
if (chosen === 'durability') await (await import('./durability.js')).durabilityBench()
if (chosen === 'restore') await (await import('./restore.js')).restoreBench(process.argv.slice(3))
