// tap's `after` script: the template of this checkout goes once every test file has run.
import { adminQuery, templateName } from '../helpers/database.ts'

await adminQuery(`DROP DATABASE IF EXISTS ${templateName} WITH (FORCE)`)
