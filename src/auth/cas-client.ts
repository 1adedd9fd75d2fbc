import { XMLParser } from 'fast-xml-parser'
import { request } from 'undici'
import { readCapped, ReplyTooLargeError } from '../net/capped-body.ts'
import { declaresEntities } from '../xml.ts'
import type { SsoIdentity } from './identity.ts'

/** A validation reply is a few kilobytes; a large one is refused before it fills the heap. */
const MAX_CAS_REPLY_BYTES = 1 << 20

export interface CasConfig {
  url: string
  usernameAttribute: string
  mailAttribute: string
  nameAttribute: string
  affiliationAttribute: string
}

export class CasError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message)
    this.name = 'CasError'
  }
}

// Namespaces stripped (cas:user → user); no DTD handling at all: entities off (XXE).
const parser = new XMLParser({ removeNSPrefix: true, processEntities: false, parseTagValue: false, ignoreAttributes: false, attributeNamePrefix: '@', trimValues: true })

/** A service ticket as CAS 3.0 defines it: `ST-`, [A-Za-z0-9-], at most 256 characters. */
export const isServiceTicket = (ticket: unknown): ticket is string => typeof ticket === 'string' && /^ST-[A-Za-z0-9-]{1,253}$/.test(ticket)

export function casLoginUrl(cas: CasConfig, service: string): string {
  return `${cas.url}/login?service=${encodeURIComponent(service)}`
}

export function casLogoutUrl(cas: CasConfig, service: string): string {
  return `${cas.url}/logout?service=${encodeURIComponent(service)}`
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)
const strings = (v: unknown): string[] => [v].flat().filter((x) => x !== undefined && x !== null && x !== '').map((x) => String(typeof x === 'object' ? (x as Record<string, unknown>)['#text'] ?? '' : x))

/** Reads a `/p3/serviceValidate` reply; throws CasError on a failure or anything unexpected. */
function parseValidation(xml: string, cas: CasConfig): SsoIdentity {
  if (declaresEntities(xml)) throw new CasError('the CAS reply declares a DTD or entities; refused')
  // The parsed XML tree: untyped input, each field read with a check below.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: Record<string, any>
  try {
    doc = parser.parse(xml)
  } catch {
    throw new CasError('the CAS server did not answer with XML')
  }
  const response = doc.serviceResponse
  if (!response) throw new CasError('the CAS server did not answer with a serviceResponse')
  const failure = first(response.authenticationFailure)
  if (failure !== undefined) {
    const code = typeof failure === 'object' ? failure['@code'] : undefined
    throw new CasError(`CAS refused the ticket (${code ?? 'no code'})`, code)
  }
  const success = first(response.authenticationSuccess)
  if (!success) throw new CasError('the CAS reply has neither success nor failure')
  const attributes: Record<string, string[]> = {}
  for (const [name, value] of Object.entries((first(success.attributes) ?? {}) as Record<string, unknown>)) attributes[name] = strings(value)
  const username = (cas.usernameAttribute === 'user' ? strings(success.user)[0] : attributes[cas.usernameAttribute]?.[0])?.trim().toLowerCase()
  if (!username) throw new CasError(`the CAS reply has no ${cas.usernameAttribute === 'user' ? 'cas:user' : `attribute ${cas.usernameAttribute}`}`)
  return {
    username,
    email: attributes[cas.mailAttribute]?.[0] ?? null,
    displayName: attributes[cas.nameAttribute]?.[0] ?? null,
    affiliations: attributes[cas.affiliationAttribute] ?? [],
    attributes,
  }
}

/** Validates a service ticket server to server (CAS 3 `/p3/serviceValidate`, attributes included). */
export async function validateTicket(cas: CasConfig, service: string, ticket: string): Promise<SsoIdentity> {
  const url = `${cas.url}/p3/serviceValidate?service=${encodeURIComponent(service)}&ticket=${encodeURIComponent(ticket)}`
  let body: string
  try {
    const response = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 })
    body = await readCapped(response.body, MAX_CAS_REPLY_BYTES, 'the CAS server')
    if (response.statusCode !== 200) throw new CasError(`the CAS server answered HTTP ${response.statusCode}`)
  } catch (error) {
    if (error instanceof CasError) throw error
    if (error instanceof ReplyTooLargeError) throw new CasError(error.message)
    throw new CasError(`the CAS server could not be reached (${(error as Error).message})`)
  }
  return parseValidation(body, cas)
}

/** The service ticket named by a back-channel single logout POST (`logoutRequest` field). */
export function ticketOfLogoutRequest(xml: unknown): string | undefined {
  if (typeof xml !== 'string' || xml.length > 10_000 || declaresEntities(xml)) return undefined
  try {
    const doc = parser.parse(xml)
    const index = strings(first(doc.LogoutRequest?.SessionIndex))[0]
    return isServiceTicket(index) ? index : undefined
  } catch {
    return undefined
  }
}
