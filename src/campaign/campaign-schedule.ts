import type { SourceConfig } from '../config.ts'
import type { CampaignService } from './campaign-service.ts'
import type { Logger } from '../log.ts'

/**
 * What `serve` runs every CAMPAIGN_INTERVAL: for each source with an open campaign, the step that
 * is due, then the deadline once its date has come. Safe on several hosts at once: each step, each
 * e-mail and the deadline are claimed in the database, and one process sends at a time.
 */
export function startCampaignSchedule(options: { intervalSeconds: number; sources: SourceConfig[]; campaign: CampaignService; log: Logger }) {
  const stopping = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()
  // Each part alone: a failing tick (the mail server away) never keeps a deadline from its date.
  const step = async (source: string, what: string, run: () => Promise<unknown>) => {
    try {
      const result = await run()
      if (result !== undefined) options.log.info({ source, result }, `campaign: ${what}`)
    } catch (error) {
      options.log.error({ err: error, source }, `campaign: ${what} failed`)
    }
  }
  async function round() {
    for (const source of options.sources) {
      if (stopping.signal.aborted) return
      await step(source.name, 'steps sent', async () => {
        const sent = await options.campaign.tick('scheduler', source.name, { signal: stopping.signal })
        return sent.due.length || sent.sent || sent.failed ? sent : undefined
      })
      await step(source.name, 'deadline applied', async () => {
        const deadline = await options.campaign.deadline('scheduler', source.name, { requireOpen: true })
        return deadline.applied ? deadline : undefined
      })
    }
  }
  const next = () => {
    timer = setTimeout(() => {
      current = round().finally(() => stopping.signal.aborted || next())
    }, options.intervalSeconds * 1000)
  }
  timer = setTimeout(() => {
    current = round().finally(() => stopping.signal.aborted || next())
  }, 1000)
  return {
    /** Stops the schedule; a round under way ends after its e-mail in flight. */
    async stop() {
      stopping.abort()
      clearTimeout(timer)
      await current
    },
  }
}
