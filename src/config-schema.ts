import { z } from 'zod'

/** Durations are written `90`, `90s`, `15m`, `6h` or `1d`; the value is in seconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$/i.exec(text)
  if (!match) throw new Error(`not a duration: "${text}" (use e.g. 90, 15m, 6h, 1d)`)
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd']
  return Number(match[1]) * factor
}

const duration = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value
  try {
    return parseDuration(value)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
    return z.NEVER
  }
})

const size = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(value)
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `not a size: "${value}" (use e.g. 500M, 4G)` })
    return z.NEVER
  }
  return Math.round(Number(match[1]) * 1024 ** ' kmgt'.indexOf((match[2] || ' ').toLowerCase()))
})

const list = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean))

/** Offsets before a deadline (`30d,7d,1d`), each a duration; kept as written: they name the steps. */
const reminderList = list.superRefine((offsets, ctx) => {
  for (const offset of offsets) {
    try {
      if (!/^\d+[smhd]$/i.test(offset)) throw new Error(`not an offset: "${offset}" (use e.g. 30d, 12h)`)
      parseDuration(offset)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
    }
  }
})

/** A Pod object by its id, or by its REST URL (`https://pod.univ.fr/rest/types/3/`). */
const podRef = (kind: string) => z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  const id = typeof value === 'number' ? value : Number(/^\s*(\d+)\s*$/.exec(value)?.[1] ?? new RegExp(`/rest/${kind}/(\\d+)/?$`).exec(value.trim())?.[1])
  if (Number.isInteger(id) && id > 0) return id
  ctx.addIssue({ code: 'custom', message: `must be the id of a Pod ${kind.replace(/s$/, '')} or its REST URL (…/rest/${kind}/N/)` })
  return z.NEVER
})

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}, 'must be an IANA time zone, e.g. Europe/Paris')

const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) =>
  typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v),
)

const recordingStates = ['processing', 'processed', 'published', 'unpublished', 'deleted'] as const
export const listingStrategies = ['auto', 'paged', 'full', 'by-record-id'] as const
const checksumAlgorithms = ['sha1', 'sha256', 'sha512'] as const

export const sourceSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/i, 'letters, digits, "-", "_" or "." (max 63)'),
  url: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://bbb.univ.fr/' })
    .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
  secret: z.string().min(1, 'is required'),
  checksum: z.enum(checksumAlgorithms).default('sha1'),
  listing: z.enum(listingStrategies).default('auto'),
  /** Page size for `paged` listing; BBB clamps `limit` to 1..100. */
  pageSize: z.coerce.number().int().min(1).max(100).default(100),
  /** A file of recordIDs (one per line) for `by-record-id` listing. */
  recordIdsFile: z.string().optional(),
  /** `any`, or a list of states. BBB's default is published + unpublished. */
  states: z
    .union([z.literal('any'), z.array(z.enum(recordingStates)).min(1)])
    .default(['published', 'unpublished']),
  /** Pod's SCRIPT_PLAYBACK_URL_23: rewrite 2.0 playback links to the 2.3 player. */
  playback23: booleanish.default(true),
  shutdownAt: z.coerce.date().optional(),
  /** Pod's IGNORED_SERVERS: `bbb-origin-server-name` values whose recordings are not resolved. */
  ignoredServers: list.default([]),
  /** Owner resolvers for this source, in order (default: OWNER_RESOLVERS). */
  resolvers: z.array(z.enum(['pod', 'moodle', 'greenlight', 'mapping'])).optional(),
  /** Reminders before shutdownAt, e.g. 30d,7d,1d (default: REMINDERS). */
  reminders: z.lazy(() => reminderList).optional(),
  /** What happens on shutdownAt to every recording still awaiting a choice. */
  atDeadline: z.enum(['import', 'claim', 'abandon']).default('claim'),
})
export type SourceConfig = z.infer<typeof sourceSchema>

/** Pod's meetings first, as Pod's own migration script decides (each only when configured). */
const ownerResolvers = ['pod', 'moodle', 'greenlight', 'mapping'] as const
const moodleUrl = z.string().regex(/^(postgres(ql)?|mysql|mariadb):\/\//, 'must start with postgres://, mysql:// or mariadb://')
const moodleDbSchema = z.object({ url: moodleUrl, prefix: z.string().regex(/^[a-z0-9_]{0,20}$/i, 'letters, digits and "_"').default('mdl_') })
export type MoodleDbConfig = z.infer<typeof moodleDbSchema>

export const fileSchema = z.object({
  sources: z.array(z.unknown()).min(1, 'lists no source'),
  /** Moodle databases by `bbb-origin-server-name` (Pod's DB_PARAMS); `default` for an empty name. */
  moodles: z.record(z.string(), moodleDbSchema).optional(),
  greenlight: z.object({ url: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://') }).optional(),
}).loose()

export const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  DATA_DIR: z.string().default('./data'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number({ message: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  // Behind a reverse proxy: `true` (trust every hop) or the proxies' addresses (comma-separated).
  TRUST_PROXY: z.string().trim().default('false').transform((v): boolean | string[] => (v === 'true' ? true : v === 'false' || v === '' ? false : v.split(',').map((a) => a.trim()).filter(Boolean))),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SYNC_INTERVAL: duration.optional(),
  BBB_CONNECT_TIMEOUT: duration.default(10),
  BBB_GET_RECORDINGS_TIMEOUT: duration.default(300),
  BBB_PORTAL_CONFIG: z.string().optional(),
  BBB_URL: z.string().optional(),
  BBB_SECRET: z.string().optional(),
  BBB_SOURCE_NAME: z.string().default('bbb'),
  BBB_CHECKSUM: z.string().optional(),
  BBB_LISTING: z.string().optional(),
  BBB_STATES: z.string().optional(),
  BBB_RECORD_IDS_FILE: z.string().optional(),
  BBB_PLAYBACK23: z.string().optional(),
  BBB_SHUTDOWN_AT: z.string().optional(),
  BBB_IGNORED_SERVERS: z.string().optional(),
  BBB_AT_DEADLINE: z.string().optional(),
  MOODLE_DB_URL: moodleUrl.optional(),
  MOODLE_DB_PREFIX: z.string().regex(/^[a-z0-9_]{0,20}$/i, 'letters, digits and "_"').default('mdl_'),
  GREENLIGHT_DB_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  OWNER_MAPPING_FILE: z.string().optional(),
  OWNER_RESOLVERS: list.pipe(z.array(z.enum(ownerResolvers))).default([...ownerResolvers]),
  OWNER_MATCH: z.enum(['username', 'email']).default('username'),
  FALLBACK_OWNER: z.string().optional(),
  MOODLE_NOTICE_FILE: z.string().optional(),
  AUTH: list.pipe(z.array(z.enum(['cas', 'oidc', 'demo']))).optional(),
  CAS_URL: z.url({ protocol: /^https?$/, message: 'must be the CAS server\'s base URL, e.g. https://cas.univ.fr/cas' }).optional(),
  CAS_USERNAME_ATTRIBUTE: z.string().default('user'),
  CAS_MAIL_ATTRIBUTE: z.string().default('mail'),
  CAS_NAME_ATTRIBUTE: z.string().default('displayName'),
  CAS_AFFILIATION_ATTRIBUTE: z.string().default('eduPersonAffiliation'),
  OIDC_ISSUER: z.url({ protocol: /^https?$/, message: 'must be the issuer URL' }).optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_SCOPE: z.string().default('openid profile email'),
  OIDC_USERNAME_CLAIM: z.string().default('preferred_username'),
  OIDC_AFFILIATION_CLAIM: z.string().default('eduperson_affiliation'),
  ALLOWED_AFFILIATIONS: list.default([]),
  ADMIN_USERS: list.default([]),
  ADMIN_ATTRIBUTE: z.string().regex(/^[^=]+=.+$/, 'must be name=value, e.g. memberOf=cn=bbb-admins,ou=groups').optional(),
  SESSION_IDLE_TIMEOUT: duration.default(7200),
  SESSION_MAX_AGE: duration.default(43200),
  API_JWT_ISSUERS: z.string().optional(),
  CORS_ORIGINS: list.default([]),
  API_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  API_CACHE_TTL: duration.default(1),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters: Prometheus sends it as a bearer token').optional(),
  PUBLISH_TARGET: z.enum(['pod', 'recorder-dir', 'directory']).optional(),
  POD_URL: z.url({ protocol: /^https?$/, message: 'must be Pod\'s base URL, e.g. https://pod.univ.fr' }).optional(),
  POD_TOKEN: z.string().optional(),
  POD_SITE_ID: podRef('sites').default(1),
  POD_VIDEO_TYPE: podRef('types').default(1),
  POD_CHANNEL: podRef('channels').optional(),
  POD_THEME: podRef('themes').optional(),
  POD_LICENCE: z.enum(['by', 'by-nd', 'by-nc-nd', 'by-nc', 'by-nc-sa', 'by-sa']).optional(),
  POD_ALLOW_DOWNLOADING: booleanish.default(false),
  POD_IS_RESTRICTED: booleanish.default(false),
  POD_DRAFT: booleanish.default(true),
  POD_ENCODE_TIMEOUT: duration.default(6 * 3600),
  POD_CREATE_USERS: booleanish.default(false),
  POD_STAFF_USERS: booleanish.default(true),
  POD_RECORDER_ID: podRef('recorder').default(1),
  POD_RECORDER_PATH: z.string().startsWith('/', 'must be an absolute path (Pod\'s DEFAULT_RECORDER_PATH)').optional(),
  RECORDER_DIR: z.string().optional(),
  RECORDER_DIRECTORY: z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/, 'a folder name: letters, digits, ".", "_", "-" (Pod: 50 at most)').optional(),
  RECORDER_ASSIGN: booleanish.default(true),
  RECORDER_GROUP: z.string().regex(/^[a-z_][a-z0-9_-]*\$?$|^\d+$/i, 'a group name or number').optional(),
  EMBED_ORIGINS: list.pipe(z.array(z.url({ protocol: /^https?$/, message: 'must be origins such as https://pod.univ.fr' }))).default([]),
  TIMEZONE: timeZone.default('Europe/Paris'),
  EXPORT_DIR: z.string().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  IMPORT_LEASE: duration.default(120),
  IMPORT_RETRIES: z.coerce.number().int().min(0).max(100).default(5),
  IMPORT_RETRY_DELAY: duration.default(60),
  MAX_IMPORT_SIZE: size.default(8 * 1024 ** 3),
  IMPORT_CHAT: z.enum(['none', 'panel', 'anonymous']).default('none'),
  /** Read by `convert` itself (src/cli/convert-hosts.ts), which must work when the rest is not configured. */
  CONVERT_ALLOWED_HOSTS: list.default([]),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().default('bbb-recordings-portal <noreply@localhost>'),
  REMINDERS: reminderList.default(['30d', '7d', '1d']),
  MAIL_RATE: z.coerce.number().int().min(1).max(100_000).default(30),
  CAMPAIGN_INTERVAL: duration.default(300),
  MAIL_TEMPLATES_DIR: z.string().optional(),
})

/** Every environment variable the service reads (the test keeps .env.example complete). */
export const environmentVariables = Object.keys(envSchema.shape)

/** A signer of API tokens besides us (e.g. Pod): its issuer, a key or secret, the audience. */
export const jwtIssuerSchema = z.strictObject({
  issuer: z.string().min(1),
  audience: z.string().min(1).optional(),
  secret: z.string().min(32, 'must be at least 32 characters').optional(),
  publicKey: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' }).optional(),
  jwksUri: z.url({ protocol: /^https?$/ }).optional(),
  algorithms: z.array(z.enum(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'])).min(1).optional(),
}).refine((i) => [i.secret, i.publicKey, i.jwksUri].filter(Boolean).length === 1, 'needs exactly one of secret, publicKey, jwksUri')
export type JwtIssuerConfig = z.infer<typeof jwtIssuerSchema>
