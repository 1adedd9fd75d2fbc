import type { FastifyBaseLogger } from 'fastify'
import type { SourceConfig } from '../config.ts'
import type { CampaignService } from './campaign-service.ts'

/**
 * What `serve` runs every CAMPAIGN_INTERVAL: for each source, the campaign steps that are due
 * (when it is open), then the deadline when its date has come. Safe on several hosts at once:
 * each e-mail is taken by one sender, each step and the deadline are claimed in the database.
 */
export function startCampaignSchedule(options: { intervalSeconds: number; sources: SourceConfig[]; campaign: CampaignService; log: FastifyBaseLogger }) {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  async function round() {
    for (const source of options.sources) {
      try {
        const sent = await options.campaign.tick('scheduler', source.name)
        if (sent.due.length || sent.sent || sent.failed) options.log.info({ source: source.name, ...sent }, 'campaign: steps sent')
        const deadline = await options.campaign.deadline('scheduler', source.name)
        if (deadline.applied) options.log.info({ source: source.name, ...deadline }, 'campaign: deadline applied')
      } catch (error) {
        options.log.error({ err: error, source: source.name }, 'campaign round failed')
      }
    }
    if (!stopped) timer = setTimeout(round, options.intervalSeconds * 1000)
  }
  timer = setTimeout(round, 1000)
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
