import { nodeCipher } from '../src/index.js'
import { chunkCipherCompliance } from './chunk-cipher-compliance.js'

chunkCipherCompliance(nodeCipher)
