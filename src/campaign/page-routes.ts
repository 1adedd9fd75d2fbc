import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { validUnsubscribe } from './campaign-mail.ts'
import type { CampaignService } from './campaign-service.ts'
import { notFound } from '../errors.ts'
import { requireAdminPage } from '../admin/page-routes.ts'
import { campaignStepLabel } from '../admin/audit-view.ts'
import { translate } from '../http/i18n.ts'
import { formatDate } from '../dates.ts'

const unsubscribeFields = z.object({ source: z.string().max(63), user: z.coerce.number().int().positive(), sig: z.string().max(100) })

/** The campaign page of the admin console, and the unsubscribe link of the e-mails. */
const campaignPagesRoutes: FastifyPluginAsync<{ campaign: CampaignService; secret: string }> = async (fastify, { campaign, secret }) => {
  const form = { preHandler: [requireAdminPage, fastify.csrfProtection] }
  const nameOf = (request: FastifyRequest) => z.object({ name: z.string().max(63) }).parse(request.params).name
  const t = (request: FastifyRequest, key: string, params?: Record<string, unknown>) => translate(request.lang, key, params)
  const date = (request: FastifyRequest, value: string | Date | null) => (value ? formatDate(request.lang, value, fastify.timeZone) : '')

  fastify.get('/admin/sources/:name/campaign', { preHandler: requireAdminPage }, async (request, reply) => {
    const state = await campaign.state(nameOf(request))
    return reply.page('admin-campaign', {
      title: t(request, 'campaign.title', { source: state.source }), section: 'dashboard', ...state,
      openedText: state.openedAt ? t(request, 'campaign.opened', { date: date(request, state.openedAt), by: state.openedBy }) : null,
      fateText: t(request, `campaign.fate.${state.atDeadline}`),
      deadlineText: state.deadline ? t(request, 'campaign.deadlineDone', { date: date(request, state.deadline.appliedAt) }) : state.shutdownAt ? t(request, 'campaign.deadlineAt', { date: date(request, state.shutdownAt) }) : t(request, 'campaign.noDeadline'),
      steps: state.steps.map((s) => ({ ...s, label: campaignStepLabel(request.lang, s.step), due: date(request, s.dueAt) })),
      mails: state.mails.map((m) => ({ ...m, stepLabel: campaignStepLabel(request.lang, m.step), stateLabel: t(request, `campaign.mail.${m.state}`), sent: date(request, m.sent_at) })),
      owners: state.owners.map((o) => ({
        name: o.display_name ? `${o.display_name} (${o.username})` : o.username, settled: o.waiting === 0,
        standing: o.waiting === 0 ? t(request, 'campaign.settled', { count: o.recordings }) : t(request, 'campaign.notSettled', { waiting: o.waiting, count: o.recordings }),
        told: o.lastToldAt ? date(request, o.lastToldAt) : t(request, 'campaign.neverTold'),
      })),
      unreachable: state.unreachable.map((u) => t(request, 'campaign.waitingOf', { name: u.display_name ? `${u.display_name} (${u.username})` : u.username, count: u.waiting })),
    })
  })
  fastify.post('/admin/sources/:name/campaign/open', form, async (request, reply) => {
    await campaign.open(request.viewer!.username, nameOf(request))
    await campaign.tick(request.viewer!.username, nameOf(request), { send: false })
    campaign.sendLater(nameOf(request))
    return reply.flash('flash.campaignOpened').redirect(`/admin/sources/${encodeURIComponent(nameOf(request))}/campaign`, 303)
  })
  fastify.post('/admin/sources/:name/campaign/send', form, async (request, reply) => {
    const { step } = z.object({ step: z.string().max(40) }).parse(request.body)
    const { planned } = await campaign.planStep(request.viewer!.username, nameOf(request), step)
    campaign.sendLater(nameOf(request))
    return reply.flash('flash.campaignSent', { planned }).redirect(`/admin/sources/${encodeURIComponent(nameOf(request))}/campaign`, 303)
  })
  fastify.get('/admin/sources/:name/campaign/preview', { preHandler: requireAdminPage }, async (request, reply) => {
    const { step, user } = z.object({ step: z.string().max(40), user: z.coerce.number().int().positive() }).parse(request.query)
    const mail = await campaign.preview(nameOf(request), step, user)
    if (!mail) throw notFound('This person has nothing waiting: no e-mail to show.')
    return reply.page('admin-campaign-preview', { title: mail.subject, section: 'dashboard', source: nameOf(request), mail })
  })

  // The link of the e-mails: its signature stands for the recipient (no login); the page asks to confirm.
  const checked = (fields: unknown) => {
    const parsed = unsubscribeFields.safeParse(fields)
    if (!parsed.success || !validUnsubscribe(secret, parsed.data.source, parsed.data.user, parsed.data.sig)) throw notFound('This link is not valid.')
    return parsed.data
  }
  fastify.get('/campaign/unsubscribe', async (request, reply) => {
    const fields = checked(request.query)
    return reply.page('unsubscribe', { title: t(request, 'unsubscribe.title'), fields, done: false })
  })
  fastify.post('/campaign/unsubscribe', async (request, reply) => {
    const fields = checked(request.body)
    await campaign.unsubscribe(fields.source, fields.user)
    return reply.page('unsubscribe', { title: t(request, 'unsubscribe.title'), fields, done: true })
  })
}

export default campaignPagesRoutes
