export { run, createProgram } from './cli.js'
export type { CommandIo, Output } from './io.js'
export { firstJsonLine, nodeArgs, stopChild, type FirstLineOptions, type NodeArgsInit, type NodeStarted } from './node-process.js'
export { MeshTimeoutError, NodeExitedError, shoalBin, startTestnet, waitForMesh, type Testnet, type TestnetInit, type TestnetNode } from './testnet.js'
