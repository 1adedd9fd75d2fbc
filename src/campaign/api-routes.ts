import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { CampaignService } from './campaign-service.ts'

/** The migration campaign of a source (see openapi.yaml): its state, opening it, sending a step now. */
const campaignRoutes: FastifyPluginAsync<{ campaign: CampaignService }> = async (fastify, { campaign }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)
  const nameOf = (request: FastifyRequest) => z.strictObject({ name: z.string().max(63) }).parse(request.params).name
  const actor = (request: FastifyRequest) => request.viewer!.username

  fastify.get('/sources/:name/campaign', async (request) => {
    const state = await campaign.state(nameOf(request))
    return {
      ...state,
      owners: state.owners.map((o) => ({ username: o.username, email: o.email, recordings: o.recordings, waiting: o.waiting, lastToldAt: o.lastToldAt })),
      mails: state.mails.map((m) => ({ id: m.id, step: m.step, state: m.state, error: m.error, recordings: m.recordings, username: m.username, email: m.email,
        plannedAt: m.planned_at.toISOString(), sentAt: m.sent_at?.toISOString() ?? null })),
    }
  })
  // Both plan at once and send in the background, at MAIL_RATE: the state route shows the progress.
  fastify.post('/sources/:name/campaign/open', async (request, reply) => {
    await campaign.open(actor(request), nameOf(request))
    const round = await campaign.tick(actor(request), nameOf(request), { send: false })
    campaign.sendLater(nameOf(request))
    return reply.status(201).send({ planned: round.planned })
  })
  fastify.post('/sources/:name/campaign/send', async (request, reply) => {
    const { step } = z.strictObject({ step: z.string().max(40) }).parse(request.body)
    const planned = await campaign.planStep(actor(request), nameOf(request), step)
    campaign.sendLater(nameOf(request))
    return reply.status(202).send(planned)
  })
}

export default campaignRoutes
