import { Command } from 'commander'
import type { AppConfig, SourceConfig } from '../config.ts'
import { applyMoodleNotice, revertMoodleNotice, type NoticeChange } from '../owners/moodle-notice.ts'
import { createLogger } from '../log.ts'
import { openRuntime } from '../runtime.ts'

export function formatNoticeChanges(source: SourceConfig, changes: NoticeChange[], dry: boolean): string {
  const count = (a: NoticeChange['action']) => changes.filter((c) => c.action === a).length
  const lines = [`Moodle notice for ${source.name}${dry ? ' — dry run: nothing was written' : ''}: ${count('apply')} applied, ${count('revert')} reverted, ${count('skip')} skipped`]
  for (const c of changes.slice(0, 50)) {
    lines.push(`  ${c.moodle} activity ${c.activityId}: ${c.action}${c.reason ? ` (${c.reason})` : ''}`)
    if (dry && c.action !== 'skip') lines.push(`    before: ${JSON.stringify(c.before)}`, `    after:  ${JSON.stringify(c.after)}`)
  }
  return lines.join('\n')
}

/** `bbb-portal moodle-notice`: tell Moodle users their recordings are leaving, or undo it. */
export function moodleNoticeCommand(loadConfig: () => AppConfig): Command {
  return new Command('moodle-notice')
    .description('Append the notice to the intro of Moodle activities with recordings on the old server (--revert restores them).')
    .option('--source <name...>', 'only these sources (default: all)')
    .option('--dry', 'print the change; write nothing')
    .option('--revert', 'restore the intros as they were')
    .action(async (options: { source?: string[]; dry?: boolean; revert?: boolean }) => {
      const config = loadConfig()
      if (!Object.keys(config.owners.moodles).length) throw new Error('no Moodle database configured (MOODLE_DB_URL, or moodles: in the config file)')
      const runtime = await openRuntime(config, { log: createLogger(config.logLevel) })
      try {
        const deps = runtime.services.notice!
        for (const source of config.sources.filter((s) => !options.source?.length || options.source.includes(s.name))) {
          const changes = options.revert ? await revertMoodleNotice(deps, source, options) : await applyMoodleNotice(deps, source, options)
          console.log(formatNoticeChanges(source, changes, options.dry ?? false))
        }
      } finally {
        await runtime.close()
      }
    })
}
