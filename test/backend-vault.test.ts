// The shared put/get/ls suite against a local vault (--vault DIR), in process.
import { backendSuite } from './helpers/backend-suite.js'
import { vaultFixture } from './helpers/backends.js'

backendSuite(vaultFixture()).run()
