import { nobleCipher } from '../src/index.js'
import { chunkCipherCompliance } from './chunk-cipher-compliance.js'

chunkCipherCompliance(nobleCipher)
