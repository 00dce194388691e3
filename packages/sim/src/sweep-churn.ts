// A churn model made busier or calmer by one factor, for sweeps over the churn rate: vaults
// leave (and join) `factor` times as often and their sessions last 1/`factor` as long;
// downtimes and correlated failures are kept as they are.
import type { ChurnModel } from './churn.js'
import type { Distribution } from './distributions.js'

export function scaleChurn (model: ChurnModel, factor: number): ChurnModel {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`a churn scale must be a positive number, not ${factor}`)
  if (factor === 1) return model
  return {
    ...model,
    ...(model.session === undefined ? {} : { session: shorter(model.session, factor) }),
    departuresPerDay: model.departuresPerDay * factor,
    ...(model.arrivalsPerDay === undefined ? {} : { arrivalsPerDay: model.arrivalsPerDay * factor })
  }
}

function shorter (d: Distribution, factor: number): Distribution {
  switch (d.kind) {
    case 'fixed': return { ...d, value: d.value / factor }
    case 'uniform': case 'log-uniform': return { ...d, min: d.min / factor, max: d.max / factor }
    case 'exponential': case 'weibull': return { ...d, mean: d.mean / factor }
  }
}
