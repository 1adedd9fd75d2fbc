// One sync as `bbb-portal sync` runs it, measured from inside: wall time of the sync itself and the process's peak RSS.
import { loadConfig } from '../src/config.ts'
import { createLogger } from '../src/log.ts'
import { openRuntime } from '../src/runtime.ts'

const config = loadConfig()
const runtime = await openRuntime(config, { log: createLogger(config.logLevel) })
const started = performance.now()
const summary = await runtime.services.sync.syncSource(runtime.config.sources[0]!)
const wallSeconds = (performance.now() - started) / 1000
await runtime.close()
console.log(JSON.stringify({ status: summary.status, error: summary.error, counts: summary.counts, owners: summary.owners, wallSeconds,
  peakRssMB: process.resourceUsage().maxRSS / 1024 }))
