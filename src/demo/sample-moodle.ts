import { sql, type Kysely } from 'kysely'
import type { MoodleDb } from '../moodle/moodle-db.ts'
import { moodleDdl } from '../moodle/moodle-schema.ts'
import { moodleActivities } from './sample-recordings.ts'

/** The demo's Moodle lives beside its data, its tables named with this prefix. */
const PREFIX = 'sample_moodle_'

/** The people of the sample Moodle: the teacher of both courses and a co-teacher of the first. */
const sampleMoodlePeople = {
  teacher: { id: 2, username: 'enseignant', firstname: 'Camille', lastname: 'Enseignant' },
  coTeacher: { id: 3, username: 'marie.curie', firstname: 'Marie', lastname: 'Curie' },
  student: { id: 4, username: 'etudiant', firstname: 'Léo', lastname: 'Étudiant' },
}

type Row = Record<string, string | number | null>

/** The rows of a small Moodle 4.x site, as its installer and mod_bigbluebuttonbn write them. */
function sampleRows(): Record<string, Row[]> {
  const activities = moodleActivities()
  const { teacher, coTeacher, student } = sampleMoodlePeople
  const courseContext = (i: number) => 3 + i
  const moduleContext = (i: number) => 3 + activities.length + i
  return {
    role: ([[3, 'editingteacher'], [5, 'student']] as const).map(([id, shortname]) => ({ id, name: '', shortname, description: '', sortorder: id, archetype: shortname })),
    // The site's default: the activity's creator and the course's teachers moderate.
    config: [{ id: 1, name: 'bigbluebuttonbn_participant_moderator_default', value: '0,3' }],
    user: [teacher, coTeacher, student].map((u) => ({ ...u, auth: 'cas', email: `${u.username}@demo.univ.example`, deleted: 0, suspended: 0, idnumber: '' })),
    modules: [{ id: 24, name: 'bigbluebuttonbn', visible: 1 }],
    context: [
      { id: 1, contextlevel: 10, instanceid: 0, path: '/1', depth: 1 },
      ...activities.map((a, i) => ({ id: courseContext(i), contextlevel: 50, instanceid: a.courseId, path: `/1/${courseContext(i)}`, depth: 2 })),
      ...activities.map((_, i) => ({ id: moduleContext(i), contextlevel: 70, instanceid: 100 + i, path: `/1/${courseContext(i)}/${moduleContext(i)}`, depth: 3 })),
    ],
    bigbluebuttonbn: activities.map((a) => ({ id: a.id, type: 0, course: a.courseId, name: a.name, meetingid: a.seed, participants: '[]', record: 1, introformat: 1, moderatorpass: 'm', viewerpass: 'v', intro: null })),
    course_modules: activities.map((a, i) => ({ id: 100 + i, course: a.courseId, module: 24, instance: a.id, section: 1, visible: 1 })),
    bigbluebuttonbn_logs: activities.map((a, i) => ({ id: i + 1, courseid: a.courseId, bigbluebuttonbnid: a.id, userid: teacher.id, meetingid: a.seed, log: 'Add', timecreated: 1 })),
    role_assignments: [
      ...activities.map((_, i) => ({ roleid: 3, contextid: courseContext(i), userid: teacher.id })),
      { roleid: 3, contextid: courseContext(0), userid: coTeacher.id },
      { roleid: 5, contextid: courseContext(0), userid: student.id },
    ].map((r, i) => ({ id: i + 1, ...r, component: '', modifierid: teacher.id })),
    enrol: activities.map((a, i) => ({ id: i + 1, enrol: 'manual', courseid: a.courseId })),
    user_enrolments: [
      ...activities.map((_, i) => ({ enrolid: i + 1, userid: teacher.id })),
      { enrolid: 1, userid: coTeacher.id }, { enrolid: 1, userid: student.id },
    ].map((r, i) => ({ id: i + 1, ...r })),
  }
}

/**
 * Lays the sample Moodle beside the demo's data (once) and opens it as the owner resolution opens a
 * Moodle: the demo's recordings get their owners the way production's do, from the activities'
 * creators and the courses' teachers; the Greenlight room has none there and stays an orphan.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database: the sample is written with raw SQL
export async function sampleMoodle(db: Kysely<any>): Promise<MoodleDb> {
  const exists = await sql<{ found: string | null }>`SELECT to_regclass(${`${PREFIX}user`})::text AS found`.execute(db)
  if (!exists.rows[0]?.found) {
    await db.transaction().execute(async (tx) => {
      for (const statement of moodleDdl('postgres', PREFIX)) await sql.raw(statement).execute(tx)
      for (const [table, rows] of Object.entries(sampleRows())) {
        for (const row of rows) await tx.insertInto(`${PREFIX}${table}`).values(row).execute()
      }
    })
  }
  return { kind: 'postgres', db, table: (name) => sql.table(`${PREFIX}${name}`), close: async () => {} }
}
