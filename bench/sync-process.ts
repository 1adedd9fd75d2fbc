// One sync as `bbb-portal sync` runs it, measured from inside: wall time of the sync itself and the process's peak RSS.
import { loadConfig } from '../src/config.ts'
import { keepHeapNearLiveData } from '../src/heap.ts'
import { openRuntime } from '../src/runtime.ts'

keepHeapNearLiveData() // as bbb-portal does
const runtime = await openRuntime(loadConfig())
const started = performance.now()
const summary = await runtime.syncService.syncSource(runtime.config.sources[0]!)
const wallSeconds = (performance.now() - started) / 1000
await runtime.close()
console.log(JSON.stringify({ status: summary.status, error: summary.error, counts: summary.counts, owners: summary.owners, wallSeconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }))
