// The shared put/get/ls suite against real daemons: 4 `shoal node` processes, the
// commands in process through node A's API (put) and node D's (get, ls).
import { backendSuite } from './helpers/backend-suite.js'
import { daemonFixture } from './helpers/backends.js'

backendSuite(daemonFixture()).run()
