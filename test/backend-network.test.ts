// The shared put/get/ls suite against a real network: 4 `shoal node` processes, the
// commands in process through a short-lived client node (--bootstrap).
import { backendSuite } from './helpers/backend-suite.js'
import { networkFixture } from './helpers/backends.js'

backendSuite(networkFixture()).run()
