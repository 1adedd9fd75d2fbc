import { Histogram, type Registry } from 'prom-client'

/** Durations of the import steps, observed by the workers of this process. */
const importStepSeconds = new Histogram({
  name: 'bbb_portal_import_step_seconds',
  help: 'Duration of import steps (convert, publish) in this process',
  labelNames: ['step', 'outcome'],
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [],
})

/** Times `work` as one step of an import. */
export async function timed<T>(step: 'convert' | 'publish', work: () => Promise<T>): Promise<T> {
  const end = importStepSeconds.startTimer({ step })
  try {
    const result = await work()
    end({ outcome: 'ok' })
    return result
  } catch (error) {
    end({ outcome: 'error' })
    throw error
  }
}

export function registerImportMetrics(registry: Registry) {
  registry.registerMetric(importStepSeconds)
}
