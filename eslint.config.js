// neostandard (Standard style, as js-libp2p's projects use) with its TypeScript rules.
import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['**/dist/**', '**/node_modules/**', 'packages/chunker/assembly/**', 'packages/erasure/assembly/**', 'bench/results/**']
  }),
  {
    rules: {
      // `void promise` marks a promise deliberately not awaited (its errors are handled
      // inside), typescript-eslint's idiom for fire-and-forget; only as a statement
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  {
    files: ['**/*.ts'],
    rules: {
      // `for await (const _ of source)` drains a source: the loop variable is unused by design
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', caughtErrors: 'none' }]
    }
  }
]
