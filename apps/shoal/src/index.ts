export { firstJsonLine, nodeArgs, stopChild, type FirstLineOptions, type NodeArgsInit, type NodeStarted } from './node-process.js'
