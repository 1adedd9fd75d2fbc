import { readFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import { listingStrategies, type AppConfig, type SourceConfig } from '../config.ts'
import { openRuntime } from '../runtime.ts'
import { openCsvExport } from '../sync/csv-export.ts'
import type { SyncSummary } from '../sync/sync-service.ts'
import { applyMoodleNotice } from '../owners/moodle-notice.ts'
import { formatNoticeChanges } from './moodle-notice-command.ts'
import { queueImports, type ConvertAllResult } from '../jobs/convert-all.ts'
import { createLogger } from '../log.ts'
import { formatSummary } from '../sync/sync-report.ts'

function formatConvertAll(result: ConvertAllResult, dry: boolean): string {
  const lines = result.planned.slice(0, 50).map((p) => `    ${p.recordId}  for ${p.owner}`)
  if (result.planned.length > 50) lines.push(`    … and ${result.planned.length - 50} more`)
  const head = dry
    ? `  convert-all (dry): would queue ${result.planned.length} import(s)`
    : `  convert-all: ${result.queued} import(s) queued, ${result.alreadyThere} already had one`
  return [head, ...(dry ? lines : [])].join('\n')
}

const positiveInt = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`expected a whole number ≥ 1, got "${value}"`)
  return Number(value)
}

interface SyncCommandOptions {
  source?: string[]
  dry?: boolean
  min?: number
  max?: number
  minValueRecordProcess?: number
  maxValueRecordProcess?: number
  useCache?: boolean
  allowEmpty?: boolean
  exportCsv?: string
  useExportCsv?: string | true
  use_export_csv?: string | true
  listing?: SourceConfig['listing']
  recordIds?: string
  json?: boolean
  useDatabaseMoodle?: boolean
  informMoodle?: boolean
  convertAll?: boolean
  useManualClaim?: boolean
}

export function syncCommand(loadConfig: () => AppConfig): Command {
  return new Command('sync')
    .description('List every recording of the BBB/Scalelite sources and store them (new, updated, missing).')
    .option('--source <name...>', 'only these sources (default: all)')
    .option('--dry', 'print what would change; write nothing')
    .option('--min <n>', 'first recording of the window (1-based, newest first)', positiveInt)
    .option('--max <n>', 'last recording of the window (1-based, newest first)', positiveInt)
    .addOption(new Option('--min-value-record-process <n>', "Pod's spelling of --min").argParser(positiveInt).hideHelp())
    .addOption(new Option('--max-value-record-process <n>', "Pod's spelling of --max").argParser(positiveInt).hideHelp())
    .option('--use-cache', "replay the source's last saved reply (its last successful listing) instead of calling BBB")
    .option('--allow-empty', 'accept a listing with no recording even when the database has some')
    .option('--export-csv <file>', "write Pod's CSV of the listed recordings (also in dry mode)")
    .addOption(new Option('--use-export-csv [file]', "Pod's spelling of --export-csv (default out.csv)").hideHelp())
    .addOption(new Option('--use_export_csv [file]', "Pod's spelling of --export-csv (default out.csv)").hideHelp())
    .addOption(new Option('--listing <mode>', 'override the listing strategy').choices(listingStrategies))
    .option('--record-ids <file>', 'recordIDs to list (one per line), for --listing by-record-id')
    .option('--json', 'print a machine-readable summary (one JSON object)')
    .option('--inform-moodle', 'append the Moodle notice to the activities with recordings (see moodle-notice)')
    .option('--convert-all', 'queue an import of every recording of the window (with --dry: list them)')
    .addOption(new Option('--use-manual-claim', "Pod's spelling of --convert-all (its mode 1)").hideHelp())
    .option('--use-database-moodle', "resolve owners from Moodle (Pod's flag; on whenever a Moodle database is configured)")
    .action(async (options: SyncCommandOptions) => {
      process.exitCode = await runSyncCommand(loadConfig(), options)
    })
}

async function runSyncCommand(config: AppConfig, options: SyncCommandOptions): Promise<number> {
  const names = options.source
  let sources = config.sources
  if (names?.length) {
    const unknown = names.filter((n) => !sources.some((s) => s.name === n))
    if (unknown.length) throw new Error(`unknown source(s): ${unknown.join(', ')} (configured: ${sources.map((s) => s.name).join(', ') || 'none'})`)
    sources = sources.filter((s) => names.includes(s.name))
  }
  if (!sources.length) throw new Error('no BBB source configured: set BBB_URL and BBB_SECRET, or give a config file (--config or BBB_PORTAL_CONFIG)')
  const min = options.min ?? options.minValueRecordProcess
  const max = options.max ?? options.maxValueRecordProcess
  if (min !== undefined && max !== undefined && max < min) throw new Error(`--max (${max}) is below --min (${min})`)
  if ((options.useDatabaseMoodle || options.informMoodle) && !Object.keys(config.owners.moodles).length) {
    throw new Error(`${options.informMoodle ? '--inform-moodle' : '--use-database-moodle'}: no Moodle database configured (MOODLE_DB_URL, or moodles: in the config file)`)
  }
  if (options.useDatabaseMoodle) {
    if (!config.owners.resolvers.includes('moodle')) config = { ...config, owners: { ...config.owners, resolvers: ['moodle', ...config.owners.resolvers] } }
  }
  const podCsv = options.useExportCsv ?? options.use_export_csv
  const csvFile = options.exportCsv ?? (podCsv === true ? 'out.csv' : podCsv)

  const convertAll = options.convertAll || options.useManualClaim
  const runtime = await openRuntime(config, { log: createLogger(config.logLevel), pipeline: Boolean(convertAll && !options.dry) })
  const { services } = runtime
  const csv = csvFile ? openCsvExport(csvFile) : undefined
  const summaries: SyncSummary[] = []
  const tty = process.stderr.isTTY && !options.json
  try {
    const notice = options.informMoodle ? services.notice : undefined
    for (const configured of sources) {
      const source = { ...configured, ...(options.listing ? { listing: options.listing } : {}) }
      const idsFile = options.recordIds ?? source.recordIdsFile
      const recordIds = idsFile ? readFileSync(idsFile, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : undefined
      // The recordings of the window, as the CSV gets them: --convert-all queues their imports.
      const windowIds: string[] = []
      const summary = await services.sync.syncSource(source, {
        dry: options.dry, min, max, useCache: options.useCache, allowEmpty: options.allowEmpty, recordIds,
        csv: (csv || convertAll) ? {
          write: async (recordings) => {
            if (convertAll) windowIds.push(...recordings.map((r) => r.recordId))
            await csv?.write(recordings, source.playback23)
          },
          setOwners: (owners) => csv?.setOwners(owners),
        } : undefined,
        onProgress: tty ? (n, total) => process.stderr.write(`\r  ${source.name}: ${n} recordings listed${total ? ` of ${total}` : ''}…`) : undefined,
      })
      if (tty) process.stderr.write('\r\x1b[K')
      summaries.push(summary)
      if (!options.json) console.log(formatSummary(summary, source.url))
      if (convertAll && summary.status === 'succeeded') {
        const result = await queueImports(services.repos, source.name, windowIds, { dry: options.dry ?? false, enqueue: services.enqueue })
        if (!options.json) console.log(formatConvertAll(result, options.dry ?? false))
      }
      if (notice && summary.status === 'succeeded') {
        const changes = await applyMoodleNotice(notice, source, { dry: options.dry })
        if (!options.json) console.log(formatNoticeChanges(source, changes, options.dry ?? false))
      }
    }
  } finally {
    await csv?.close()
    await runtime.close()
  }
  if (options.json) console.log(JSON.stringify(summaries.length === 1 ? summaries[0] : summaries))
  if (csvFile && !options.json) console.log(`CSV written to ${csvFile}`)
  return summaries.every((s) => s.status === 'succeeded') ? 0 : 1
}
