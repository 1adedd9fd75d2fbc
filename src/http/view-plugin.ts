import { readFileSync } from 'node:fs'
import path from 'node:path'
import { assetPath } from '../paths.ts'
import fastifyView from '@fastify/view'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Handlebars from 'handlebars'
import { pickLanguage, translate, type Language } from './i18n.ts'
import { registerHelpers } from './view-helpers.ts'

declare module 'fastify' {
  interface FastifyRequest {
    lang: Language
  }
  interface FastifyReply {
    /** Renders a page of views/ in the layout, with the viewer, language and a CSRF token. */
    page(template: string, data?: Record<string, unknown>, status?: number): FastifyReply
    /** A message for the next page (after a redirect), by its key in the dictionaries. */
    flash(key: string, params?: Record<string, string | number>): FastifyReply
  }
  interface FastifyInstance {
    /** One partial of views/partials rendered alone (live updates of a row). */
    renderPartial(name: (typeof partials)[number], data: Record<string, unknown>): string
    /** The time zone every page shows its dates in (TIMEZONE). */
    timeZone: string
  }
}

/** `?embed=1`: the page inside Pod's "Mes vidéos" (no header; EMBED_ORIGINS may frame it). */
export const isEmbedded = (url: string) => /[?&]embed=1(?:&|$)/.test(url)

const viewsDir = assetPath('views')
const partials = ['status-badge', 'row-action', 'recording-row', 'pagination', 'flash', 'admin-nav'] as const

export default fp(
  async (fastify, { secureCookies, timeZone }: { secureCookies: boolean; timeZone: string }) => {
    fastify.decorate('timeZone', timeZone)
    const flashCookie = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies }
    const handlebars = Handlebars.create()
    registerHelpers(handlebars)
    const sources = new Map(partials.map((p) => [p, readFileSync(path.join(viewsDir, 'partials', `${p}.hbs`), 'utf8')]))
    for (const [name, text] of sources) handlebars.registerPartial(name, text)
    const compiled = new Map([...sources].map(([name, text]) => [name, handlebars.compile(text)]))
    await fastify.register(fastifyView, {
      engine: { handlebars },
      root: viewsDir,
      layout: 'layout.hbs',
      viewExt: 'hbs',
    })
    fastify.decorate('renderPartial', (name: (typeof partials)[number], data: Record<string, unknown>) => compiled.get(name)!({ timeZone, ...data }))
    fastify.decorateReply('flash', function (key: string, params: Record<string, string | number> = {}) {
      return this.setCookie('bbbp_flash', JSON.stringify({ key, params }), { ...flashCookie, signed: true, maxAge: 60 })
    })
    const takeFlash = (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.cookies.bbbp_flash
      if (!raw) return undefined
      reply.clearCookie('bbbp_flash', flashCookie)
      const unsigned = request.unsignCookie(raw)
      try {
        const { key, params } = unsigned.valid && unsigned.value ? JSON.parse(unsigned.value) : {}
        return typeof key === 'string' && key.startsWith('flash.') ? translate(request.lang, key, params) : undefined
      } catch {
        return undefined
      }
    }
    fastify.decorateRequest('lang', 'fr')
    // Not async: it runs on every request, API polls included, and needs no promise.
    fastify.addHook('onRequest', (request, _reply, done) => {
      if (!request.url.startsWith('/api/')) request.lang = pickLanguage(request.cookies?.lang, request.headers['accept-language'])
      done()
    })
    fastify.decorateReply('page', function (template: string, data: Record<string, unknown> = {}, status = 200) {
      const lang = this.request.lang
      const appName = translate(lang, 'app.name')
      const title = typeof data.title === 'string' ? data.title : typeof data.titleKey === 'string' ? translate(lang, data.titleKey) : appName
      const documentTitle = title === appName ? appName : `${title} · ${appName}`
      return this.status(status).type('text/html; charset=utf-8').view(`pages/${template}`, {
        ...data, title, documentTitle, lang, timeZone, viewer: this.request.viewer, csrfToken: this.csrfToken(), currentPath: this.request.url,
        embed: isEmbedded(this.request.url),
        flash: takeFlash(this.request, this),
      })
    })
  },
  { name: 'views', dependencies: ['auth'] },
)
