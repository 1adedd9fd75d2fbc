// The Moodle notice's text (MOODLE_NOTICE_FILE) is read when a notice is written, never at start:
// a worker host without the file starts all the same.
import t from 'tap'
import { silentLogger } from '../../src/log.ts'
import { openOwnerSources } from '../../src/owners/owner-sources.ts'
import { createServices } from '../../src/services.ts'
import { testConfig } from '../helpers/app.ts'
import { freshDatabase } from '../helpers/database.ts'

t.test('a missing MOODLE_NOTICE_FILE does not stop the services from being built', async (t) => {
  const handle = await freshDatabase(t)
  const config = testConfig({ MOODLE_DB_URL: 'postgres://reader@127.0.0.1:9/moodle', MOODLE_NOTICE_FILE: `${t.testdir()}/missing.html` })
  const ownerSources = openOwnerSources(config.owners)
  t.teardown(() => ownerSources.close())
  const services = createServices(config, handle, { log: silentLogger, jwtSecret: 'x'.repeat(32), ownerSources })
  t.teardown(() => services.close())
  t.ok(services.notice, 'the notice is available (a Moodle is configured)')
  t.throws(() => services.notice!.template, /ENOENT/, 'the file is read only when the notice needs it')
})
