import { readFileSync } from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import { z } from 'zod'
import { envSchema, fileSchema, jwtIssuerSchema, sourceSchema, type JwtIssuerConfig, type MoodleDbConfig, type SourceConfig } from './config-schema.ts'
import { startOfDayIn } from './dates.ts'

// The schemas are in config-schema.ts; what other modules import from here stays here.
export * from './config-schema.ts'

export type AppConfig = ReturnType<typeof buildConfig>

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

function problemsOf(error: z.ZodError, prefix: string): string[] {
  // Messages name the setting, never its value: secrets must not reach logs.
  return error.issues.map((issue) => `${[prefix, ...issue.path].filter((p) => p !== '').join('.')}: ${issue.message}`)
}

function readConfigFile(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError([`config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`])
  }
  try {
    return /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text)
  } catch (error) {
    throw new ConfigError([`config file ${file}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message}`])
  }
}

function sourceFromEnv(env: Partial<Record<keyof z.infer<typeof envSchema>, string>>): Record<string, unknown> | undefined {
  if (!env.BBB_URL && !env.BBB_SECRET) return undefined
  const states = env.BBB_STATES?.trim()
  return {
    name: env.BBB_SOURCE_NAME ?? 'bbb',
    url: env.BBB_URL,
    secret: env.BBB_SECRET,
    checksum: env.BBB_CHECKSUM,
    listing: env.BBB_LISTING,
    states: states === 'any' ? 'any' : states ? states.split(',').map((s) => s.trim()) : undefined,
    recordIdsFile: env.BBB_RECORD_IDS_FILE,
    playback23: env.BBB_PLAYBACK23,
    shutdownAt: env.BBB_SHUTDOWN_AT,
    ignoredServers: env.BBB_IGNORED_SERVERS,
    atDeadline: env.BBB_AT_DEADLINE,
  }
}

function parseJwtIssuers(text: string | undefined, problems: string[]): JwtIssuerConfig[] {
  if (!text) return []
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    problems.push('API_JWT_ISSUERS: not valid JSON (a list of {issuer, audience, secret|publicKey|jwksUri})')
    return []
  }
  const parsed = z.array(jwtIssuerSchema).safeParse(raw)
  if (!parsed.success) problems.push(...problemsOf(parsed.error, 'API_JWT_ISSUERS'))
  return parsed.data ?? []
}

type Env = z.infer<typeof envSchema>

function publishTarget(env: Env, problems: string[]) {
  const target = env.PUBLISH_TARGET ?? (env.POD_URL ? 'pod' : env.RECORDER_DIR ? 'recorder-dir' : 'directory')
  if (target === 'pod' && !(env.POD_URL && env.POD_TOKEN)) problems.push('PUBLISH_TARGET: pod needs POD_URL and POD_TOKEN')
  if (target === 'recorder-dir' && !(env.RECORDER_DIR && env.RECORDER_DIRECTORY)) problems.push('PUBLISH_TARGET: recorder-dir needs RECORDER_DIR and RECORDER_DIRECTORY')
  return target
}

function authMethods(env: Env, problems: string[]) {
  const methods = env.AUTH ?? [...(env.CAS_URL ? ['cas' as const] : []), ...(env.OIDC_ISSUER ? ['oidc' as const] : [])]
  if (methods.includes('cas') && !env.CAS_URL) problems.push('AUTH: cas needs CAS_URL')
  if (methods.includes('oidc') && !(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET)) {
    problems.push('AUTH: oidc needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET')
  }
  return methods
}

type FileConfig = z.infer<typeof fileSchema>

/** Pod's REST API and what every video the portal makes there gets (POD_*). */
function podSettings(env: Env) {
  if (!env.POD_URL || !env.POD_TOKEN) return undefined
  return {
    url: env.POD_URL.replace(/\/+$/, ''),
    token: env.POD_TOKEN,
    siteId: env.POD_SITE_ID,
    videoType: env.POD_VIDEO_TYPE,
    channel: env.POD_CHANNEL,
    theme: env.POD_THEME,
    licence: env.POD_LICENCE,
    allowDownloading: env.POD_ALLOW_DOWNLOADING,
    isRestricted: env.POD_IS_RESTRICTED,
    draft: env.POD_DRAFT,
    createUsers: env.POD_CREATE_USERS,
    staffUsers: env.POD_STAFF_USERS,
    encodeTimeoutSeconds: env.POD_ENCODE_TIMEOUT,
    recorderId: env.POD_RECORDER_ID,
    timeZone: env.TIMEZONE,
  }
}
export type PodSettings = NonNullable<ReturnType<typeof podSettings>>

/** Who may log in, how, and who is an admin. */
function authSettings(env: Env, methods: Array<'cas' | 'oidc' | 'demo'>, publicUrl: string) {
  const [adminAttribute, ...adminValue] = env.ADMIN_ATTRIBUTE?.split('=') ?? []
  return {
    methods,
    cas: env.CAS_URL
      ? {
          url: env.CAS_URL.replace(/\/$/, ''),
          usernameAttribute: env.CAS_USERNAME_ATTRIBUTE,
          mailAttribute: env.CAS_MAIL_ATTRIBUTE,
          nameAttribute: env.CAS_NAME_ATTRIBUTE,
          affiliationAttribute: env.CAS_AFFILIATION_ATTRIBUTE,
        }
      : undefined,
    oidc: env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
      ? {
          issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET,
          scope: env.OIDC_SCOPE.split(/\s+/).filter(Boolean), usernameClaim: env.OIDC_USERNAME_CLAIM, affiliationClaim: env.OIDC_AFFILIATION_CLAIM,
        }
      : undefined,
    allowedAffiliations: env.ALLOWED_AFFILIATIONS.map((a) => a.toLowerCase()),
    adminUsers: env.ADMIN_USERS.map((u) => u.toLowerCase()),
    adminAttribute: adminAttribute ? { name: adminAttribute, value: adminValue.join('=') } : undefined,
    sessionIdleSeconds: env.SESSION_IDLE_TIMEOUT,
    sessionMaxSeconds: env.SESSION_MAX_AGE,
    secureCookies: publicUrl.startsWith('https:'),
  }
}

/** Where imports go and how the workers run them. */
function importSettings(env: Env, target: 'pod' | 'recorder-dir' | 'directory') {
  return {
    target,
    pod: podSettings(env),
    recorder: env.RECORDER_DIR && env.RECORDER_DIRECTORY
      ? {
          dir: path.join(path.resolve(env.RECORDER_DIR), env.RECORDER_DIRECTORY),
          podDir: path.posix.join(env.POD_RECORDER_PATH ?? path.resolve(env.RECORDER_DIR), env.RECORDER_DIRECTORY),
          group: env.RECORDER_GROUP,
          assign: env.RECORDER_ASSIGN,
        }
      : undefined,
    exportDir: path.resolve(env.EXPORT_DIR ?? path.join(env.DATA_DIR, 'exports')),
    concurrency: env.WORKER_CONCURRENCY,
    leaseSeconds: env.IMPORT_LEASE,
    retryLimit: env.IMPORT_RETRIES,
    retryDelaySeconds: env.IMPORT_RETRY_DELAY,
    maxImportBytes: env.MAX_IMPORT_SIZE,
    chat: env.IMPORT_CHAT,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
  }
}

function buildConfig(env: Env, sources: SourceConfig[], extra: { configFile?: string; file?: FileConfig; jwtIssuers: JwtIssuerConfig[]; methods: Array<'cas' | 'oidc' | 'demo'>; target: 'pod' | 'recorder-dir' | 'directory' }) {
  const { configFile, file } = extra
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '')
  const moodles: Record<string, MoodleDbConfig> = { ...(file?.moodles ?? {}) }
  if (env.MOODLE_DB_URL && !moodles.default) moodles.default = { url: env.MOODLE_DB_URL, prefix: env.MOODLE_DB_PREFIX }
  return {
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(env.DATA_DIR),
    host: env.HOST,
    port: env.PORT,
    publicUrl,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    jwtSecret: env.JWT_SECRET,
    syncIntervalSeconds: env.SYNC_INTERVAL || undefined,
    connectTimeoutMs: env.BBB_CONNECT_TIMEOUT * 1000,
    getRecordingsTimeoutMs: env.BBB_GET_RECORDINGS_TIMEOUT * 1000,
    configFile,
    sources,
    owners: {
      moodles,
      greenlightUrl: file?.greenlight?.url ?? env.GREENLIGHT_DB_URL,
      mappingFile: env.OWNER_MAPPING_FILE,
      resolvers: env.OWNER_RESOLVERS,
      match: env.OWNER_MATCH,
      fallbackOwner: env.FALLBACK_OWNER?.trim().toLowerCase() || undefined,
      noticeFile: env.MOODLE_NOTICE_FILE,
    },
    auth: authSettings(env, extra.methods, publicUrl),
    api: {
      jwtIssuers: extra.jwtIssuers,
      corsOrigins: env.CORS_ORIGINS,
      embedOrigins: env.EMBED_ORIGINS.map((o) => new URL(o).origin),
      rateLimit: env.API_RATE_LIMIT,
      cacheTtlSeconds: env.API_CACHE_TTL,
      loginRateLimit: env.LOGIN_RATE_LIMIT,
      metricsToken: env.METRICS_TOKEN,
    },
    timeZone: env.TIMEZONE,
    imports: importSettings(env, extra.target),
    campaign: {
      /** Per-source `reminders` else these, before each source's shutdownAt. */
      reminders: env.REMINDERS,
      /** E-mails per minute at the most. */
      mailRate: env.MAIL_RATE,
      intervalSeconds: env.CAMPAIGN_INTERVAL,
      /** The admin's own templates (same names as views/mail/), else ours. */
      templatesDir: env.MAIL_TEMPLATES_DIR ? path.resolve(env.MAIL_TEMPLATES_DIR) : undefined,
    },
  }
}

/**
 * Reads the whole configuration once: the environment, then the optional config file
 * (`--config` or BBB_PORTAL_CONFIG) for several sources. Every problem is reported at once.
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env, options: { configFile?: string } = {}) {
  const cleaned = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>
  const parsedEnv = envSchema.safeParse(cleaned)
  const problems = parsedEnv.success ? [] : problemsOf(parsedEnv.error, '')

  const configFile = options.configFile ?? cleaned.BBB_PORTAL_CONFIG
  const rawSources: unknown[] = []
  let file: FileConfig | undefined
  if (configFile) {
    const parsedFile = fileSchema.safeParse(readConfigFile(configFile))
    if (parsedFile.success) rawSources.push(...(file = parsedFile.data).sources)
    else problems.push(...problemsOf(parsedFile.error, configFile))
  }
  const envSource = sourceFromEnv(cleaned)
  if (envSource) rawSources.push(envSource)

  const sources: SourceConfig[] = []
  rawSources.forEach((raw, index) => {
    const label = envSource && index === rawSources.length - 1 ? 'BBB_URL/BBB_SECRET source' : `sources[${index}]`
    const parsed = sourceSchema.safeParse(raw)
    // A shutdown date without a time starts at midnight where people live (TIMEZONE), not in UTC.
    const day = (raw as { shutdownAt?: unknown } | null)?.shutdownAt
    if (parsed.success && typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day.trim()) && parsedEnv.success) parsed.data.shutdownAt = startOfDayIn(day.trim(), parsedEnv.data.TIMEZONE)
    if (parsed.success) sources.push(parsed.data)
    else problems.push(...problemsOf(parsed.error, label))
  })
  const names = sources.map((s) => s.name)
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push(`source name "${name}" is used twice`)
  const jwtIssuers = parseJwtIssuers(cleaned.API_JWT_ISSUERS, problems)
  const methods = parsedEnv.success ? authMethods(parsedEnv.data, problems) : []
  const target = parsedEnv.success ? publishTarget(parsedEnv.data, problems) : 'directory'
  if (problems.length || !parsedEnv.success) throw new ConfigError(problems)
  return buildConfig(parsedEnv.data, sources, { configFile, file, jwtIssuers, methods, target })
}
