import { loadConfig } from '../config.ts'
import { isWebUrl } from '../net/web-url.ts'

/** An entry of CONVERT_ALLOWED_HOSTS: `bbb.univ.fr`, `bbb.univ.fr:8443` or `https://bbb.univ.fr`. */
function originsOf(entry: string): string[] {
  if (isWebUrl(entry)) return [new URL(entry).origin]
  const host = new URL(`https://${entry}`).host
  return [`https://${host}`, `http://${host}`]
}

/**
 * The origins `bbb-portal convert` may fetch from: CONVERT_ALLOWED_HOSTS, else the hosts of the
 * configured BBB sources; none is an error, never "anywhere" (Pod hands export.js URLs typed by
 * teachers, and a URL can point at any machine the server reaches).
 */
export function convertAllowedOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env.CONVERT_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean)
  if (listed.length) {
    try {
      return listed.flatMap(originsOf)
    } catch {
      throw new Error(`CONVERT_ALLOWED_HOSTS: ${env.CONVERT_ALLOWED_HOSTS} is not a list of hosts such as bbb.univ.fr,scalelite.univ.fr`)
    }
  }
  let configured: string[] = []
  try {
    configured = loadConfig(env).sources.map((s) => new URL(s.url).origin)
  } catch {
    // The rest of the configuration need not be valid for a conversion: BBB_URL alone will do.
    if (env.BBB_URL && isWebUrl(env.BBB_URL)) configured = [new URL(env.BBB_URL).origin]
  }
  if (!configured.length) throw new Error('convert fetches only from known BBB servers: set CONVERT_ALLOWED_HOSTS (e.g. bbb.univ.fr,scalelite.univ.fr) or configure the sources; a published folder needs --local')
  return configured
}
