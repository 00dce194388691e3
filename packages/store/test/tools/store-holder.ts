// Child process for lock and crash tests.
//   node store-holder.js hold <dir>  start the store, print "ready", keep it open until killed
//   node store-holder.js try <dir>   try to start the store; print {"ok":true} or the error
import { createStore } from '../../src/index.js'

const [mode, dir] = process.argv.slice(2)
const store = createStore({ dir, space: Number.MAX_SAFE_INTEGER })

if (mode === 'hold') {
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
