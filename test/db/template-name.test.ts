import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { adminQuery, templateName } from '../helpers/database.ts'

t.test('the test template is named after its checkout, so two checkouts can test side by side on one PostgreSQL', async (t) => {
  const checkout = fileURLToPath(new URL('../..', import.meta.url))
  t.equal(templateName, `bbb_portal_test_template_${createHash('sha256').update(checkout).digest('hex').slice(0, 12)}`)
  const { rows } = await adminQuery('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [templateName])
  t.equal(rows[0].n, 1, "tap's before script made it")
})
