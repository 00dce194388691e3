// The numbers and churn model `shoal sim` and `shoal sim sweep` take from their flags.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { CHURN_PRESETS, type ChurnModel } from '@shoal/sim'
import { UsageError } from '../../errors.js'

export async function churnModel (text: string, cwd: string): Promise<ChurnModel> {
  const preset = CHURN_PRESETS[text]
  if (preset !== undefined) return preset
  if (!text.endsWith('.json')) throw new UsageError(`--churn: '${text}' is neither a preset (${Object.keys(CHURN_PRESETS).join(', ')}) nor a .json file`)
  const model = JSON.parse(await readFile(resolve(cwd, text), 'utf8')) as ChurnModel
  if (typeof model.departuresPerDay !== 'number') throw new UsageError(`--churn: ${text} has no departuresPerDay (docs/simulation.md)`)
  return model
}

export function whole (text: string, flag: string, min: number, max: number): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag}: '${text}' is not a whole number from ${min} to ${max}`)
  return n
}

export function positive (text: string, flag: string): number {
  const x = Number(text)
  if (!Number.isFinite(x) || x <= 0 || x > 1000) throw new UsageError(`${flag}: '${text}' is not a number above 0 (at most 1000)`)
  return x
}
