import type { FakeRecording } from '../../src/demo/fake-bbb-xml.ts'
import type { MoodleFixture } from '../helpers/moodle.ts'

// One Moodle with a case for each rule the owner resolution follows, laid as Moodle itself lays
// its data (github:moodle/moodle):
// - tables and columns: mod/bigbluebuttonbn/db/install.xml (bigbluebuttonbn, bigbluebuttonbn_logs,
//   bigbluebuttonbn_recordings) and lib/db/install.xml (user, role, context, role_assignments,
//   course_modules, modules, enrol, user_enrolments, config), as src/moodle/moodle-schema.ts has them;
// - `participants`: the JSON of mod/bigbluebuttonbn/classes/local/helpers/roles.php
//   (get_participant_list, is_moderator_validate_rule): viewer rules grant nothing, a role rule
//   names its role by id or shortname, an empty list means the site default
//   `bigbluebuttonbn_participant_moderator_default`, whose `0` is the activity's owner;
// - the owner: the user of the activity's 'Add' log (bigbluebutton_proxy::get_instance_ownerid in
//   mod/bigbluebuttonbn/classes/local/proxy/bigbluebutton_proxy.php);
// - context levels and paths: lib/accesslib.php (CONTEXT_SYSTEM 10, CONTEXT_COURSECAT 40,
//   CONTEXT_COURSE 50, CONTEXT_MODULE 70; path the ids from the system down).
// Ids are as a real site would have them.
const SEED = { a1: 'a1'.padEnd(40, '1'), a2: 'b2'.padEnd(40, '2'), a3: 'c3'.padEnd(40, '3') }
export const SERVER = 'moodle.univ.example'
/** An intro with what a revert must give back exactly: accents, quotes, a trailing space, CRLF. */
export const INTRO1 = '<p dir="ltr">Séance d\'algèbre — "amphi" B\r\n</p> '

export async function seedMoodle(m: MoodleFixture, options: { defaultSetting?: string } = {}) {
  const ins = m.insert
  for (const [id, shortname] of [[1, 'manager'], [3, 'editingteacher'], [4, 'teacher'], [5, 'student']] as const) await ins('role', { id, name: shortname, shortname, description: '', sortorder: id, archetype: shortname })
  await ins('config', { id: 1, name: 'bigbluebuttonbn_participant_moderator_default', value: options.defaultSetting ?? '0,3' })
  const users: Array<[number, string, string, string, number, number]> = [
    [2, 'alice', 'Alice', 'Martin', 0, 0], [3, 'bob', 'Bob', 'Durand', 0, 0], [4, 'carol', 'Carol', 'Petit', 0, 0], [5, 'dave.deleted@1700000000', 'Dave', 'Moreau', 1, 0],
    [6, 'Erin', 'Erin', 'Leroy', 0, 1], [7, 'frank', 'Frank', 'Roux', 0, 0], [8, 'gina', 'Gina', 'Fournier', 0, 0], [9, 'hank', 'Hank', 'Girard', 0, 0],
  ]
  for (const [id, username, firstname, lastname, deleted, suspended] of users) await ins('user', { id, auth: 'cas', username, firstname, lastname, email: `${firstname.toLowerCase()}@univ.example`, deleted, suspended, idnumber: '' })
  await ins('modules', { id: 24, name: 'bigbluebuttonbn', visible: 1 })
  // system 1 > category 2 > courses 10 (ctx 3), 20 (ctx 4), 21 (ctx 9) > activities.
  const contexts: Array<[number, number, number, string]> = [[1, 10, 0, '/1'], [2, 40, 1, '/1/2'], [3, 50, 10, '/1/2/3'], [4, 50, 20, '/1/2/4'], [9, 50, 21, '/1/2/9'], [5, 70, 100, '/1/2/3/5'], [6, 70, 101, '/1/2/3/6'], [7, 70, 102, '/1/2/4/7'], [8, 70, 103, '/1/2/9/8']]
  for (const [id, contextlevel, instanceid, path] of contexts) await ins('context', { id, contextlevel, instanceid, path, depth: path.split('/').length - 1 })
  const activities: Array<[number, number, string, string, string | null, number]> = [
    // 1: explicit JSON: a user rule (quoted), a user rule (unquoted, suspended user), editingteacher by id, a viewer rule ignored.
    [1, 10, SEED.a1, 'Amphi Algèbre', '[{"selectiontype":"all","selectionid":"all","role":"viewer"},{"selectiontype":"user","selectionid":"2","role":"moderator"},{"selectiontype":"role","selectionid":"3","role":"moderator"},{"selectiontype":"user","selectionid":6,"role":"moderator"},{"selectiontype":"role","selectionid":"5","role":"viewer"}]', 100],
    // 2: empty participants: the site default (owner + editingteacher).
    [2, 10, SEED.a2, 'TD Algèbre', '[]', 101],
    // 3: role rules by shortname and by id (manager held at category level).
    [3, 20, SEED.a3, 'Cours de droit des contrats — une séance dont le nom dépasse soixante-quatre caractères', '[{"selectiontype":"role","selectionid":"teacher","role":"moderator"},{"selectiontype":"role","selectionid":"1","role":"moderator"}]', 102],
    // 4: a course restore copied activity 3 (same seed) into course 21; user rule hank.
    [4, 21, SEED.a3, 'Cours de droit (copie)', '[{"selectiontype":"user","selectionid":"9","role":"moderator"}]', 103],
  ]
  for (const [id, course, meetingid, name, participants, cm] of activities) {
    await ins('bigbluebuttonbn', { id, type: 0, course, name, meetingid, participants, record: 1, introformat: 1, moderatorpass: 'm', viewerpass: 'v', intro: id === 1 ? INTRO1 : null })
    await ins('course_modules', { id: cm, course, module: 24, instance: id, section: 1, visible: 1 })
  }
  const assignments: Array<[number, number, number]> = [[3, 3, 3], [3, 3, 5], [3, 4, 3], [4, 4, 8], [1, 2, 4], [5, 3, 9], [3, 9, 3]]
  for (const [i, [roleid, contextid, userid]] of assignments.entries()) await ins('role_assignments', { id: i + 1, roleid, contextid, userid, component: '', modifierid: 2 })
  await ins('bigbluebuttonbn_logs', { id: 1, courseid: 10, bigbluebuttonbnid: 2, userid: 7, meetingid: SEED.a2, log: 'Add', timecreated: 1 })
  await ins('enrol', { id: 1, enrol: 'manual', courseid: 10 })
  await ins('user_enrolments', { id: 1, enrolid: 1, userid: 7 })
}

const base = { published: true, state: 'published', startTime: Date.UTC(2025, 2, 1), endTime: Date.UTC(2025, 2, 1, 1), formats: [{ type: 'presentation', url: 'https://bbb.univ.example/playback/presentation/2.3/x', length: 60 }] }
const moodleMeta = (meetingId: string, extra: Record<string, string> = {}) => ({ 'bbb-origin': 'Moodle', 'bbb-origin-server-name': SERVER, meetingId, ...extra })
export const rid = (n: number) => `${String(n).padStart(40, 'f')}-17000000000${String(n).padStart(2, '0')}`

/** The recordings of the old server, one per case the issue lists. */
export const moodleRecordings: FakeRecording[] = [
  // R1: its recordings row (an imported copy of it in activity 2 has a lower id but imported = 1).
  { ...base, recordId: rid(1), meetingId: `${SEED.a1}-10-1[0]`, name: 'Amphi 1', metadata: moodleMeta(`${SEED.a1}-10-1[0]`) },
  // R2: no recordings row: the meetingID names activity 2.
  { ...base, recordId: rid(2), meetingId: `${SEED.a2}-10-2[0]`, name: 'TD 1', metadata: moodleMeta(`${SEED.a2}-10-2[0]`) },
  // R3: a pre-4.0 meetingID without brackets, legacy bn-origin key.
  { ...base, recordId: rid(3), meetingId: `${SEED.a3}-20-3`, name: 'Droit', metadata: { 'bn-origin': 'moodle', 'bbb-origin-server-name': SERVER, meetingId: `${SEED.a3}-20-3` } },
  // R4: the instance is gone but the seed lives on in course 21 (a restore).
  { ...base, recordId: rid(4), meetingId: `${SEED.a3}-21-99[0]`, name: 'Droit copie', metadata: moodleMeta(`${SEED.a3}-21-99[0]`) },
  // R5: a group meeting of activity 1.
  { ...base, recordId: rid(5), meetingId: `${SEED.a1}-10-1[3]`, name: 'Amphi groupe 3', metadata: moodleMeta(`${SEED.a1}-10-1[3]`) },
  // R6: an unparseable meetingID; course id + the name Moodle cut at 64 characters.
  { ...base, recordId: rid(6), meetingId: 'custom-meeting', name: 'Droit', metadata: moodleMeta('custom-meeting', { 'bbb-context-id': '20', 'bbb-recording-name': 'Cours de droit des contrats — une séance dont le nom dépasse so...' }) },
  // R7: a Moodle nobody configured.
  { ...base, recordId: rid(7), meetingId: `${SEED.a1}-10-1[0]`, name: 'Ailleurs', metadata: { ...moodleMeta(`${SEED.a1}-10-1[0]`), 'bbb-origin-server-name': 'other-moodle.example' } },
  // R8: an ignored origin server (Pod's IGNORED_SERVERS), with a mapping entry for its course label.
  { ...base, recordId: rid(8), meetingId: `${SEED.a1}-10-1[0]`, name: 'Ignorée', metadata: { ...moodleMeta(`${SEED.a1}-10-1[0]`), 'bbb-origin-server-name': 'test-moodle.example', 'bbb-context-label': 'MATH101' } },
]
