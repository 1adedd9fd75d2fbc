import t from 'tap'
import { signToken } from '../../src/auth/tokens.ts'
import { en } from '../../src/http/locales/en.ts'
import { fr } from '../../src/http/locales/fr.ts'
import { jwtSecret } from '../helpers/app.ts'
import { cookieClient, portalHarness } from '../helpers/portal.ts'

type Lang = 'fr' | 'en'
const catalogues = { fr: fr as Record<string, string>, en: en as Record<string, string> }

/** The words of one catalogue that never appear in the other: a page showing one is in the wrong language. */
function foreignFragments(lang: Lang): string[] {
  const own = Object.values(catalogues[lang]).join('\n')
  const other = catalogues[lang === 'fr' ? 'en' : 'fr']
  const fragments = Object.values(other).flatMap((text) => text.split(/\{\w+\}/)).map((f) => f.replace(/[\s:;,.()“”«»"]+$|^[\s:;,.()“”«»"]+/g, ''))
  return [...new Set(fragments)].filter((f) => f.length >= 5 && !own.includes(f))
}

const decode = (html: string) => html.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
  .replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, ' ')

/** What a reader sees or hears: the text, and the labels, placeholders, alternatives and titles. */
function visibleText(html: string): string {
  const body = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '')
  const attributes = [...body.matchAll(/\s(?:aria-label|placeholder|alt|title|data-label)="([^"]*)"/g)].map((m) => m[1])
  const title = /<title>([\s\S]*?)<\/title>/.exec(body)?.[1] ?? ''
  const text = body.replace(/<head>[\s\S]*?<\/head>/, '').replace(/<[^>]+>/g, ' ')
  return decode([title, text, ...attributes].join('\n')).replace(/[ \t]+/g, ' ')
}

const rawCode = /⟦|\{\w+\}|\bundefined\b|\bnull\b|\bNaN\b|\[object Object\]|\b(?:source|owners|orphans|recording|import|moodle-notice)\.[a-z-]+\b|\binProgress\b|\bmoodle-role:|\bfallback\b|\(admin\)|\d[.,]\d+ h\b|\b0 h\b/

t.test('every page, in French and in English, holds no word of the other language and no raw code', async (t) => {
  const h = await portalHarness(t, { count: 12, env: { AUTH: 'demo', FALLBACK_OWNER: 'enseignant' } })
  const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
  const call = (method: 'POST' | 'DELETE', url: string, payload?: object) => h.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) })
  // Something of every kind on the pages: orphans (one with a fallback owner), imports done,
  // failed, under way and cancelled, a declined recording, and a journal of every action.
  const orphan = h.ids[11]!
  await h.db.insertInto('recording_ownership').values({ recording_id: orphan, owner_match: 'none', orphaned: true, moodle_activity_id: null, moodle_course_id: null, checked_at: new Date() }).execute()
  await call('POST', `/api/v1/admin/recordings/${orphan}/owners`, { usernames: ['enseignant'] })
  await h.db.updateTable('recording_owners').set({ reason: 'fallback' }).where('recording_id', '=', orphan).execute()
  const alice = (await h.db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow()).id
  const importRow = (recording: number, state: 'done' | 'failed' | 'converting', extra: object = {}) =>
    h.db.insertInto('imports').values({ recording_id: recording, requested_by: alice, state, progress: state === 'converting' ? 42 : null, error: state === 'failed' ? 'ffmpeg exited with code 1' : null, pod_video_id: null, pod_video_url: null, pod_asked_at: null, finished_at: state === 'converting' ? null : new Date(), ...extra }).returning('id').executeTakeFirstOrThrow()
  await importRow(h.ids[0]!, 'done', { pod_video_url: 'https://pod.univ.example/video/0001-cours/' })
  const failed = await importRow(h.ids[2]!, 'failed')
  await importRow(h.ids[4]!, 'converting')
  await h.db.updateTable('recordings').set({ declined_at: new Date() }).where('id', '=', h.ids[6]!).execute()
  await call('POST', `/api/v1/admin/recordings/${h.ids[8]}/abandon`, { reason: 'cours annulé' })
  await call('DELETE', `/api/v1/admin/recordings/${h.ids[8]}/abandon`)
  await call('POST', `/api/v1/admin/imports/${failed.id}/retry`)
  await call('POST', '/api/v1/admin/orphans/assign', { filter: { source: 'old', status: 'unsettled' }, usernames: ['dupont'] })
  await call('DELETE', `/api/v1/admin/recordings/${orphan}/owners/dupont`)
  await h.db.insertInto('audit_log').values({ actor: 'chef', action: 'source.sync', target_type: 'source', target_id: 'old', before: null, after: JSON.stringify({ runId: 3, status: 'succeeded', counts: { new: 1, updated: 2, missing: 0 } }) }).execute()

  const pages = {
    visitor: ['/login', '/nope'],
    alice: ['/recordings', '/recordings?status=failed', '/admin', `/recordings/${h.ids[3]}/import`],
    chef: ['/admin', '/admin/orphans', '/admin/orphans?status=unsettled', '/admin/imports', '/admin/audit', `/admin/recordings/${orphan}`, `/admin/recordings/${h.ids[2]}`, '/admin/sources/old/campaign'],
  }
  for (const lang of ['fr', 'en'] as const) {
    const foreign = foreignFragments(lang)
    t.ok(foreign.length > 100, `${foreign.length} words of the other language to look for`)
    for (const [who, urls] of Object.entries(pages)) {
      const client = cookieClient(h.app)
      client.jar.set('lang', lang)
      if (who !== 'visitor') await client.demoLogin(who, who === 'chef')
      for (const url of urls) {
        // A POST by address bar (a GET) or someone else's page: the error page, in the reader's language.
        const res = await client.get(url)
        t.ok([200, 403, 404].includes(res.statusCode), `${lang} ${who} ${url}: ${res.statusCode}`)
        t.match(res.body, `<html lang="${lang}">`)
        const text = visibleText(res.body)
        t.same(foreign.filter((f) => new RegExp(`(^|[^\\p{L}])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text)), [], `${lang} ${who} ${url}: no word of the other language`)
        t.notMatch(text, rawCode, `${lang} ${who} ${url}: no raw code`)
      }
    }
  }
})

t.test('the shutdown date and its days are the same on the teacher banner and the dashboard, in TIMEZONE', async (t) => {
  // 23:30 UTC is already the next day in Paris, summer and winter.
  const utcDay = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)
  const h = await portalHarness(t, { count: 2, env: { AUTH: 'demo', BBB_SHUTDOWN_AT: `${utcDay}T23:30:00Z`, TIMEZONE: 'Europe/Paris' } })
  const parisDay = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date(`${utcDay}T23:30:00Z`))
  const teacher = cookieClient(h.app)
  await teacher.demoLogin('alice')
  const banner = /<p class="banner[^"]*" role="note">([^<]+)<\/p>/.exec((await teacher.get('/recordings')).body)?.[1] ?? ''
  const chef = cookieClient(h.app)
  await chef.demoLogin('chef', true)
  const board = /Arrêt prévu le ([^<]+?\(\d+ jours\))\./.exec((await chef.get('/admin')).body)?.[1] ?? ''
  t.match(banner, `le ${parisDay} : il reste`, 'the banner gives the day in Paris')
  const days = (text: string) => /(\d+) jours/.exec(text)?.[1]
  t.equal(board, `${parisDay} (${days(banner)} jours)`, 'the dashboard says the same day and the same count')
})
