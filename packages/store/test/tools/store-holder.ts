// Child process for lock and crash tests.
//   node store-holder.js hold <dir>  start the store, print "ready", keep it open until killed
//   node store-holder.js try <dir>   try to start the store; print {"ok":true} or the error
//   node store-holder.js collect <dir> <now>   collect expired chunks two at a time, printing
//     "-<cid>" for each once its collectExpired call resolved, then "done"; killed by the test
import { createStore } from '../../src/index.js'

const [mode, dir, now] = process.argv.slice(2)
const store = createStore({ dir, space: Number.MAX_SAFE_INTEGER })

if (mode === 'collect') {
  await store.start()
  for (;;) {
    const collected = await store.collectExpired(Number(now), { limit: 2 })
    for (const record of collected) process.stdout.write(`-${record.cid.toString()}\n`)
    if (collected.length === 0) break
  }
  process.stdout.write('done\n')
  setInterval(() => {}, 60_000)
} else if (mode === 'hold') {
  await store.start()
  process.stdout.write('ready\n')
  setInterval(() => {}, 60_000)
} else {
  try {
    await store.start()
    await store.stop()
    process.stdout.write(JSON.stringify({ ok: true }) + '\n')
  } catch (err: any) {
    process.stdout.write(JSON.stringify({ ok: false, name: err.name, code: err.code, message: err.message }) + '\n')
  }
}
