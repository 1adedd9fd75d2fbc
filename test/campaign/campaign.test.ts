import t from 'tap'
import { createCampaignRepository } from '../../src/campaign/campaign-repository.ts'
import { openImportPipeline } from '../../src/jobs/pipeline.ts'
import { signToken } from '../../src/auth/tokens.ts'
import { jwtSecret, testServices } from '../helpers/app.ts'
import { silentLogger } from '../../src/log.ts'
import { responseErrors } from '../helpers/openapi.ts'
import { mailbox } from '../helpers/mailbox.ts'
import { until } from '../helpers/wait.ts'
import { assignOwners, cookieClient, portalHarness } from '../helpers/portal.ts'

const DAY = 86_400_000

// A source shutting down in 20 days, reminders 7 and 1 day before, a real SMTP server, and a
// clock the test drives. alice keeps waiting; bob settles after the announcement; dave asks for no
// more; erin's address is refused by the mail server; frank's reminder is cut by a crash.
t.test('the campaign: an announcement, two reminders, never twice, nothing after settling, a crash resends nothing', async (t) => {
  const mail = await mailbox(t, { refuse: /^erin@/ })
  const shutdownAt = new Date(Date.now() + 20 * DAY)
  const h = await portalHarness(t, { count: 20, env: { AUTH: 'demo', SMTP_URL: mail.url, MAIL_FROM: 'BBB <bbb@univ.example>', BBB_SHUTDOWN_AT: shutdownAt.toISOString(), REMINDERS: '7d,1d', MAIL_RATE: '100000', PUBLIC_URL: 'https://portail.univ.example' } })
  await assignOwners(h.db, { dave: [11, 13], erin: [15], frank: [17], gina: [19] })
  await h.db.updateTable('users').set({ email: null }).where('username', '=', 'gina').execute()
  const { campaign } = testServices(t, h.db, h.config)
  const to = (who: string) => mail.received.filter((m) => m.to === `${who}@univ.example`)

  await campaign.open('chef', 'old')
  const opened = await campaign.tick('chef', 'old')
  t.same(opened.due, ['announcement'], 'only the announcement at the opening')
  t.same({ sent: opened.sent, failed: opened.failed }, { sent: 4, failed: 1 }, 'alice, bob, dave, frank told; erin refused')
  const announcement = to('alice')[0]!
  t.match(announcement.subject, /Vos enregistrements BigBlueButton : choisissez avant le/)
  t.match(announcement.text, /Le serveur BigBlueButton « old » s'arrête le/, 'French first')
  t.match(announcement.text, /The BigBlueButton server "old" shuts down on/, 'English below')
  t.match(announcement.text, 'https://portail.univ.example/recordings', 'the link to the portal')
  t.match(announcement.text, /ils seront déposés dans la liste « Revendiquer un enregistrement » de Pod/, 'what happens at the deadline (claim by default)')
  t.equal((announcement.text.match(/^- /gm) ?? []).length, 2 * 10, 'her 10 recordings, listed in both languages')

  t.same((await campaign.tick('chef', 'old')).due, [], 'nothing twice')
  const bobs = (await h.db.selectFrom('recording_owners').innerJoin('users', 'users.id', 'recording_owners.user_id').select('recording_id').where('username', '=', 'bob').execute()).map((r) => r.recording_id)
  await h.db.updateTable('recordings').set({ declined_at: new Date() }).where('id', 'in', bobs).execute()
  const unsubscribe = /No more reminders for this campaign: (\S+)/.exec(to('dave')[0]!.text)![1]!
  const dave = cookieClient(h.app)
  const page = await dave.get(unsubscribe.replace('https://portail.univ.example', ''))
  t.equal(page.statusCode, 200)
  const form = Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]!.replace(/&amp;/g, '&')]))
  t.equal((await dave.post('/campaign/unsubscribe', form)).statusCode, 200, 'dave asks for no more reminders')
  t.equal((await dave.post('/campaign/unsubscribe', { ...form, sig: 'forged' })).statusCode, 404, 'a forged link does nothing')

  const reminder7 = await campaign.tick('chef', 'old', { now: new Date(shutdownAt.getTime() - 7 * DAY + 3_600_000) })
  t.same(reminder7.due, ['reminder-7d'])
  t.same(to('bob').length, 1, 'bob settled everything: no reminder')
  t.same(to('dave').length, 1, 'dave asked for no more')
  t.match(to('alice')[1]!.subject, /Rappel : 10 enregistrement\(s\) à choisir avant le/)

  // A crash while the last reminder went to frank: his e-mail stays "unsure", never sent again.
  const repo = createCampaignRepository(h.db)
  await repo.claimStep('old', 'reminder-1d')
  await repo.plan('old', 'reminder-1d')
  const frank = await h.db.selectFrom('users').select('id').where('username', '=', 'frank').executeTakeFirstOrThrow()
  await h.db.updateTable('campaign_mails').set({ state: 'sending' }).where('step', '=', 'reminder-1d').where('user_id', '=', frank.id).execute()
  const reminder1 = await campaign.tick('chef', 'old', { now: new Date(shutdownAt.getTime() - DAY + 3_600_000) })
  t.same({ due: reminder1.due, sent: reminder1.sent }, { due: [], sent: 1 }, 'the step planned before the crash is sent, not planned again')
  t.same(to('alice').length, 3, 'alice: the announcement and two reminders')
  t.same(to('frank').length, 2, 'frank: nothing sent twice')

  const state = await campaign.state('old')
  t.match(state.steps, [
    { step: 'announcement', sent: 4, failed: 1 },
    { step: 'reminder-7d', sent: 2, failed: 1 },
    { step: 'reminder-1d', sent: 1, failed: 1, unsure: 1 },
  ])
  t.match(state.mails.find((m) => m.username === 'erin')?.error, /erin@univ.example|refused|550/, 'the bounce is kept')
  t.equal((await h.db.selectFrom('audit_log').select('action').where('action', 'like', 'campaign.%').execute()).length, 3, 'the opening and each step it planned in the journal')

  // The campaign page: each step, each recipient with what happened, who cannot be reached.
  const chef = cookieClient(h.app)
  await chef.demoLogin('chef', true)
  const campaignPage = (await chef.get('/admin/sources/old/campaign')).body
  t.match(campaignPage, 'Rappel 7 jour(s) avant l’arrêt')
  t.match(campaignPage, /<tr data-settled="true"><td class="name">bob \(bob\)<\/td><td data-label="État">Tout réglé \(5 enregistrement\(s\)\)<\/td>/, 'bob has settled')
  t.match(campaignPage, /<tr data-settled="false"><td class="name">alice \(alice\)<\/td><td data-label="État">10 sur 10 à choisir<\/td><td data-label="Dernier e-mail">\d/, 'alice has not, and when she was last told')
  t.match(campaignPage, /data-state="failed">[\s\S]*?Refusé par le serveur de messagerie<p class="error-reason">[^<]*erin@univ\.example/, 'the bounce, in words, with the server\'s reason')
  t.match(campaignPage, /<ul class="unreachable"><li>gina \(gina\) : 1 enregistrement\(s\) à choisir<\/li><\/ul>/, 'gina has no e-mail address: listed for the admin')
  const preview = await chef.get(`/admin/sources/old/campaign/preview?step=reminder-7d&user=${(await h.db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow()).id}`)
  t.match(preview.body, /<h1>Rappel : 10 enregistrement\(s\) à choisir avant le/, 'the preview shows the e-mail')
  const api = await h.app.inject({ method: 'GET', url: '/api/v1/admin/sources/old/campaign', headers: { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` } })
  t.same(responseErrors('GET', '/api/v1/admin/sources/{name}/campaign', 200, api.json()), [], 'the API answers as openapi.yaml says')
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/admin/sources/old/campaign', headers: h.alice })).statusCode, 403, 'admins only')
})

t.test('a mail server away: nothing is lost or marked refused, the next round sends it; no SMTP: no campaign', async (t) => {
  const mail = await mailbox(t)
  const h = await portalHarness(t, { count: 2, env: { SMTP_URL: mail.url, MAIL_RATE: '100000' } })
  const { campaign } = testServices(t, h.db, h.config)
  await campaign.open('chef', 'old')
  mail.state.busy = true
  t.match(await campaign.tick('chef', 'old'), { due: ['announcement'], sent: 0, failed: 0 })
  t.same((await h.db.selectFrom('campaign_mails').select(['state', 'error']).execute()).map((m) => m.state), ['queued', 'queued'], 'waiting, not refused')
  mail.state.busy = false
  t.match(await campaign.tick('chef', 'old'), { due: [], sent: 2 }, 'the next round sends them')

  const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
  const without = await portalHarness(t, { count: 1 })
  const refused = await without.app.inject({ method: 'POST', url: '/api/v1/admin/sources/old/campaign/open', headers: admin })
  t.equal(refused.statusCode, 503)
  t.match(refused.json().detail, /SMTP_URL/)
  t.equal((await without.db.selectFrom('campaigns').select('source').execute()).length, 0, 'not opened')
})

t.test('from the console: "Ouvrir la campagne", then the announcement leaves in the background', async (t) => {
  const mail = await mailbox(t)
  const h = await portalHarness(t, { count: 2, env: { AUTH: 'demo', SMTP_URL: mail.url, MAIL_RATE: '100000' } })
  const chef = cookieClient(h.app)
  await chef.demoLogin('chef', true)
  t.match((await chef.get('/admin/sources/old/campaign')).body, 'Ouvrir la campagne')
  const csrf = await chef.csrf('/admin/sources/old/campaign')
  const opened = await chef.post('/admin/sources/old/campaign/open', { _csrf: csrf })
  t.equal(opened.headers.location, '/admin/sources/old/campaign')
  await until(() => mail.received.length === 2, 'the announcement sent')
  t.same(mail.received.map((m) => m.to).sort(), ['alice@univ.example', 'bob@univ.example'])
  t.equal((await chef.post('/admin/sources/old/campaign/open', { _csrf: csrf })).statusCode, 409, 'opened once')
  t.equal((await chef.post('/admin/sources/old/campaign/send', { _csrf: csrf, step: 'reminder-1d' })).statusCode, 303, 'a reminder sent now')
  t.equal((await chef.post('/admin/sources/old/campaign/send', { _csrf: csrf, step: 'nope' })).statusCode, 400)

  // The same through the API, answering as openapi.yaml says.
  const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
  const sent = await h.app.inject({ method: 'POST', url: '/api/v1/admin/sources/old/campaign/send', headers: admin, payload: { step: 'reminder-7d' } })
  t.equal(sent.statusCode, 202)
  t.same(responseErrors('POST', '/api/v1/admin/sources/{name}/campaign/send', 202, sent.json()), [])
  const other = await portalHarness(t, { count: 1, env: { SMTP_URL: mail.url } })
  const viaApi = await other.app.inject({ method: 'POST', url: '/api/v1/admin/sources/old/campaign/open', headers: admin })
  t.equal(viaApi.statusCode, 201)
  t.same(responseErrors('POST', '/api/v1/admin/sources/{name}/campaign/open', 201, viaApi.json()), [])
  t.same(viaApi.json(), { planned: { announcement: 1 } })
})

t.test("serve's way: the e-mails go out as a job of the queue, retried while the mail server is away", async (t) => {
  const mail = await mailbox(t)
  const h = await portalHarness(t, { count: 2, env: { SMTP_URL: mail.url, MAIL_RATE: '100000' } })
  const pipeline = await openImportPipeline(h.config, h.handle, silentLogger, { maintenanceIntervalSeconds: 1, campaignRetryDelaySeconds: 1 })
  t.teardown(() => pipeline.close())
  const { campaign } = testServices(t, h.db, h.config, { pipeline })
  let runs = 0
  await pipeline.queue.workCampaigns(async (source) => {
    try {
      await campaign.send(source)
    } finally {
      runs++
    }
  })
  await campaign.open('chef', 'old')
  mail.state.busy = true
  t.match(await campaign.tick('scheduler', 'old'), { due: ['announcement'], planned: { announcement: 2 }, sent: 0 }, 'planned here, sent by the job')
  await until(() => runs >= 1, 'the job ran')
  t.equal(mail.received.length, 0)
  mail.state.busy = false
  await until(() => mail.received.length === 2 && runs >= 2, 'the retried job sent them', 30_000)
  t.pass(`sent by the retried job (${runs} runs)`)
})
