// `bbb-portal check`: every configured part, real ones (the fake BBB over HTTP, a MariaDB Moodle,
// the test Pod, Debian's CAS server, oidc-provider, an SMTP server), one line each.
import { SMTPServer } from 'smtp-server'
import t from 'tap'
import { startCasServer } from '../helpers/cas-server.ts'
import { cli } from '../helpers/cli.ts'
import { moodleDatabase } from '../helpers/moodle.ts'
import { freePort } from '../helpers/net.ts'
import { startOidcProvider, oidcClient } from '../helpers/oidc-provider.ts'
import { secret, syncHarness } from '../helpers/sync.ts'
import { startTestPod } from '../helpers/test-pod.ts'

t.test('every part works: one "ok" line each, exit 0; each broken part is named, exit 1', async (t) => {
  const h = await syncHarness(t)
  const moodle = await moodleDatabase(t, 'mariadb')
  const pod = await startTestPod(t)
  const cas = await startCasServer()
  t.teardown(() => cas.stop())
  const oidc = await startOidcProvider('http://127.0.0.1:3000/auth/oidc/callback')
  t.teardown(() => oidc.stop())
  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => smtp.close(() => resolve())))
  const env = {
    DATA_DIR: t.testdir(), BBB_URL: h.fake.url, BBB_SECRET: secret, BBB_SOURCE_NAME: 'old', MOODLE_DB_URL: moodle.url,
    POD_URL: pod.url, POD_TOKEN: pod.token, PUBLISH_TARGET: 'recorder-dir', RECORDER_DIR: pod.recorderPath, RECORDER_DIRECTORY: 'bbb',
    CAS_URL: cas.url, OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: oidcClient.client_id, OIDC_CLIENT_SECRET: oidcClient.client_secret,
    SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`,
  }
  const good = await cli(['check'], env)
  t.equal(good.code, 0, good.stdout + good.stderr)
  const lines = good.stdout.trim().split('\n')
  t.equal(lines.length, 7, good.stdout)
  t.ok(lines.every((l) => l.startsWith('ok')), good.stdout)
  t.match(good.stdout, /ok +BBB old \(http:\/\/127\.0\.0\.1:\d+\/\): getRecordings answers/)
  t.match(good.stdout, /ok +Moodle default: reads 10 tables \(prefix mdl_\)/)
  t.match(good.stdout, /ok +Pod \(http:\/\/127\.0\.0\.1:\d+\): staff token, site 1 \(127\.0\.0\.1:\d+\), type 1 \(Autres\), recorder 1 \(BBB\), 0 meetings/)

  const closed = await freePort()
  const broken = await cli(['check'], {
    ...env, BBB_SECRET: 'wrong-secret', MOODLE_DB_PREFIX: 'zz_', POD_SITE_ID: '99', POD_VIDEO_TYPE: '99', POD_RECORDER_ID: '7',
    CAS_URL: `http://127.0.0.1:${closed}/cas`, OIDC_ISSUER: `http://127.0.0.1:${closed}`, SMTP_URL: `smtp://127.0.0.1:${closed}`,
  })
  t.equal(broken.code, 1)
  t.match(broken.stdout, /FAIL +BBB old .*checksumError/)
  t.match(broken.stdout, /FAIL +Moodle default: .*zz_bigbluebuttonbn/)
  // Every Pod setting that names nothing in Pod, in one go.
  t.match(broken.stdout, /FAIL +Pod .*: Pod has no site 99 \(POD_SITE_ID\); Pod has no type 99 \(POD_VIDEO_TYPE\); Pod has no recorder 7 \(POD_RECORDER_ID\)\n/)
  t.match(broken.stdout, /FAIL +CAS /)
  t.match(broken.stdout, /FAIL +OIDC /)
  t.match(broken.stdout, /FAIL +SMTP: /)
  t.match(broken.stdout, /ok +recorder folder/)
  t.notMatch(broken.stdout + broken.stderr, /wrong-secret|client-secret/, 'no secret printed')

  // A token Pod refuses: that alone is said (the settings behind it cannot be read).
  const refused = await cli(['check'], { ...env, POD_TOKEN: 'not-a-pod-token' })
  t.match(refused.stdout, /FAIL +Pod .*: Pod refused POD_TOKEN \(HTTP 401\)/)
  t.notMatch(refused.stdout, /no site|no type|no recorder/)
  t.notMatch(refused.stdout, /not-a-pod-token/, 'the token is not printed')
})
