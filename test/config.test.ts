import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { ConfigError, environmentVariables, loadConfig } from '../src/config.ts'

t.test('one source from BBB_URL and BBB_SECRET, with defaults', async (t) => {
  const c = loadConfig({ BBB_URL: 'https://bbb.univ.fr', BBB_SECRET: 's3cret' })
  t.same(c.sources, [{
    name: 'bbb', url: 'https://bbb.univ.fr/', secret: 's3cret', checksum: 'sha1', listing: 'auto', pageSize: 100,
    states: ['published', 'unpublished'], playback23: true, ignoredServers: [], atDeadline: 'claim',
  }])
  t.equal(c.getRecordingsTimeoutMs, 300_000)
  t.same(c.campaign.reminders, ['30d', '7d', '1d'], 'reminders a month, a week and a day before')
  t.equal(c.databaseUrl, undefined, 'no DATABASE_URL: the embedded database')
  t.equal(c.syncIntervalSeconds, undefined, 'scheduled sync off by default')
})

t.test('environment settings of the single source', async (t) => {
  const c = loadConfig({
    BBB_URL: 'https://scalelite.univ.fr/', BBB_SECRET: 'x', BBB_SOURCE_NAME: 'scalelite', BBB_CHECKSUM: 'sha256', BBB_LISTING: 'full',
    BBB_STATES: 'any', BBB_PLAYBACK23: 'false', BBB_SHUTDOWN_AT: '2027-01-31', BBB_IGNORED_SERVERS: 'moodle-test.univ.fr, old.univ.fr',
    SYNC_INTERVAL: '6h', BBB_GET_RECORDINGS_TIMEOUT: '10m',
  })
  const s = c.sources[0]!
  t.same([s.name, s.checksum, s.listing, s.states, s.playback23, s.ignoredServers], ['scalelite', 'sha256', 'full', 'any', false, ['moodle-test.univ.fr', 'old.univ.fr']])
  t.equal(s.shutdownAt?.toISOString(), '2027-01-30T23:00:00.000Z', 'a day without a time starts at midnight in TIMEZONE (Paris, winter)')
  t.equal(loadConfig({ BBB_URL: 'https://b/', BBB_SECRET: 'x', BBB_SHUTDOWN_AT: '2027-07-01', TIMEZONE: 'America/Montreal' }).sources[0]!.shutdownAt?.toISOString(), '2027-07-01T04:00:00.000Z', 'and in Montreal in summer')
  t.same([c.syncIntervalSeconds, c.getRecordingsTimeoutMs], [21_600, 600_000])
})

t.test('several sources from a YAML or JSON config file', async (t) => {
  const dir = t.testdir()
  const yaml = path.join(dir, 'portal.yaml')
  writeFileSync(yaml, `sources:
  - name: bbb-sciences
    url: https://bbb-sciences.univ.fr/
    secret: one
    checksum: sha512
    listing: paged
    shutdownAt: 2027-03-01
  - name: scalelite
    url: https://scalelite.univ.fr
    secret: two
    listing: by-record-id
    recordIdsFile: ./ids.txt
    ignoredServers: [moodle-old.univ.fr]
`)
  const c = loadConfig({ BBB_PORTAL_CONFIG: yaml })
  t.same(c.sources.map((s) => [s.name, s.checksum, s.listing]), [['bbb-sciences', 'sha512', 'paged'], ['scalelite', 'sha1', 'by-record-id']])
  const json = path.join(dir, 'portal.json')
  writeFileSync(json, JSON.stringify({ sources: [{ name: 'a', url: 'http://a.example/', secret: 'z' }] }))
  const both = loadConfig({ BBB_URL: 'https://b.example/', BBB_SECRET: 'y' }, { configFile: json })
  t.same(both.sources.map((s) => s.name), ['a', 'bbb'], '--config plus the environment source')
})

t.test('every problem is reported at once, naming settings, never secret values', async (t) => {
  const dir = t.testdir()
  const file = path.join(dir, 'bad.yaml')
  writeFileSync(file, 'sources:\n  - name: dup\n    url: ftp://x\n    secret: very-secret-value\n    checksum: md5\n  - name: dup\n    url: https://ok.example/\n    secret: another-secret\n')
  const error = t.throws(() => loadConfig({ BBB_PORTAL_CONFIG: file })) as ConfigError
  t.type(error, ConfigError)
  t.match(error.message, /sources\[0\]\.url: must be an http\(s\) URL/)
  t.match(error.message, /sources\[0\]\.checksum/)
  t.notMatch(error.message, /very-secret-value|another-secret/)
  t.throws(() => loadConfig({ BBB_PORTAL_CONFIG: file.replace('bad', 'absent') }), { message: /config file .*absent\.yaml: ENOENT/ })
  writeFileSync(file, 'sources: [{ name: dup, url: "https://a/", secret: s }, { name: dup, url: "https://b/", secret: s }]')
  t.throws(() => loadConfig({ BBB_PORTAL_CONFIG: file }), { message: /source name "dup" is used twice/ })
  t.throws(() => loadConfig({ BBB_URL: 'https://x/' }), { message: /BBB_URL\/BBB_SECRET source\.secret/ })
  const many = t.throws(() => loadConfig({ SYNC_INTERVAL: 'soon', PORT: 'http', DATABASE_URL: 'mysql://x' })) as ConfigError
  t.same(many.problems, [
    'DATABASE_URL: must start with postgres://',
    'PORT: must be a port number (0-65535)',
    'SYNC_INTERVAL: not a duration: "soon" (use e.g. 90, 15m, 6h, 1d)',
  ])
  t.throws(() => loadConfig({ JWT_SECRET: 'short' }), { message: /JWT_SECRET: must be at least 32 characters/ })
})

t.test('.env.example lists every variable the service reads, and only those', async (t) => {
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
  const listed = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1])
  t.same([...listed].sort(), [...environmentVariables].sort())
})
