import { Command } from 'commander'
import type { CampaignService } from '../campaign/campaign-service.ts'
import type { AppConfig } from '../config.ts'
import { createLogger } from '../log.ts'
import { openRuntime } from '../runtime.ts'

const actor = () => `cli:${process.env.USER ?? 'unknown'}`
const instant = (text: string | undefined) => {
  if (text === undefined) return undefined
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new Error(`--now: not a date: "${text}" (use ISO 8601, e.g. 2027-01-24T09:00:00+01:00)`)
  return date
}

async function withCampaign<T>(loadConfig: () => AppConfig, run: (campaign: CampaignService) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const runtime = await openRuntime(config, { log: createLogger(config.logLevel) })
  try {
    return await run(runtime.services.campaign)
  } finally {
    await runtime.close()
  }
}

/** `bbb-portal campaign`: open a source's campaign, or send what is due (serve's scheduler runs the same). */
export function campaignCommand(loadConfig: () => AppConfig): Command {
  return new Command('campaign')
    .description('The migration campaign of a source: --open announces it to owners by e-mail; --tick sends the reminders that are due.')
    .requiredOption('--source <name>', 'the source (as configured)')
    .option('--open', 'open the campaign and send the announcement')
    .option('--tick', 'plan and send every step due now (or at --now)')
    .option('--now <iso>', 'the time to act at (with --dry, preview a date)')
    .option('--dry', 'say which steps are due; send nothing')
    .action(async (options: { source: string; open?: boolean; tick?: boolean; now?: string; dry?: boolean }) => {
      if (!options.open && !options.tick) throw new Error('say --open or --tick')
      const now = instant(options.now)
      await withCampaign(loadConfig, async (campaign) => {
        if (options.open) {
          await campaign.open(actor(), options.source)
          console.log(`campaign of "${options.source}" opened`)
        }
        const result = await campaign.tick(actor(), options.source, { now, dry: options.dry })
        if (!result.open) return console.log(`the campaign of "${options.source}" is not open (bbb-portal campaign --source ${options.source} --open)`)
        const due = `${result.due.length ? result.due.join(', ') : 'none'}${result.superseded.length ? ` (${result.superseded.join(', ')} superseded: due together, one e-mail is enough)` : ''}`
        if (options.dry) return console.log(`dry run: step due${now ? ` at ${now.toISOString()}` : ''}: ${due}; nothing sent`)
        const planned = Object.entries(result.planned).map(([step, n]) => `${step}: ${n}`).join(', ') || 'none'
        console.log(`steps planned: ${planned}; e-mails sent: ${result.sent}, refused: ${result.failed}, no longer needed: ${result.skipped}`)
      })
    })
}

/** `bbb-portal deadline`: on the shutdown date, the source's atDeadline fate for what still waits (once). */
export function deadlineCommand(loadConfig: () => AppConfig): Command {
  return new Command('deadline')
    .description("Apply the source's atDeadline (import, claim or abandon) to every recording still awaiting a choice, once its shutdown date has come; never twice.")
    .requiredOption('--source <name>', 'the source (as configured)')
    .option('--now <iso>', 'the time to act at')
    .action(async (options: { source: string; now?: string }) => {
      const now = instant(options.now)
      await withCampaign(loadConfig, async (campaign) => {
        const result = await campaign.deadline(actor(), options.source, { now })
        if (!result.applied) return console.log(`deadline of "${options.source}": nothing done (${result.reason})`)
        const { applied: _applied, fate, waiting, ...counts } = result
        console.log(`deadline of "${options.source}" applied: ${fate} for ${waiting} recording(s) awaiting a choice (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})`)
      })
    })
}
