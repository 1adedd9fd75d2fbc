/**
 * A browser's HTTP side for SSO round trips: cookies kept per host, redirects followed one by
 * one (each hop visible to the test), HTML forms read and posted.
 */
export function httpBrowser() {
  const jars = new Map<string, Map<string, string>>()
  const jarOf = (url: string) => {
    const host = new URL(url).host
    if (!jars.has(host)) jars.set(host, new Map())
    return jars.get(host)!
  }
  const request = async (url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) => {
    const jar = jarOf(url)
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded', referer: url } : {}),
        ...init.headers,
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    })
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const [name, ...value] = pair!.split('=')
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()))
      if (gone || value.join('=') === '') jar.delete(name!.trim())
      else jar.set(name!.trim(), value.join('='))
    }
    const location = res.headers.get('location')
    return { res, status: res.status, location: location ? new URL(location, url).toString() : null, text: () => res.text() }
  }
  return {
    jars,
    request,
    /** Follows redirects until a non-redirect answer, or until `stopAt` matches the next URL. */
    async follow(url: string, stopAt?: (next: string) => boolean) {
      let current = url
      for (let hops = 0; hops < 10; hops++) {
        const r = await request(current)
        if (!r.location || ![301, 302, 303, 307].includes(r.status)) return { ...r, url: current }
        if (stopAt?.(r.location)) return { ...r, url: current }
        current = r.location
      }
      throw new Error(`too many redirects from ${url}`)
    },
    /** The hidden and given fields of the page's first form, posted to its action. */
    async submitForm(pageUrl: string, html: string, fields: Record<string, string>) {
      const form = /<form[^>]*>([\s\S]*?)<\/form>/i.exec(html)
      if (!form) throw new Error(`no form on ${pageUrl}: ${html.slice(0, 3000)}`)
      const action = /action="([^"]*)"/i.exec(form[0].slice(0, form[0].indexOf('>')))?.[1]
      const values: Record<string, string> = {}
      for (const input of form[1]!.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
        const name = /name="([^"]+)"/.exec(input[0])?.[1]
        if (name) values[name] = (/value="([^"]*)"/.exec(input[0])?.[1] ?? '').replaceAll('&amp;', '&')
      }
      return request(new URL(action || pageUrl, pageUrl).toString(), { form: { ...values, ...fields } })
    },
  }
}
