/**
 * The part of Moodle 4.x's schema the owner resolution reads, with Moodle's XMLDB column types
 * (install.xml) and how Moodle's installer maps them on each database. Used to lay the demo's
 * sample Moodle and the tests' Moodle databases.
 */
export type MoodleKind = 'postgres' | 'mariadb'
type MoodleColumn = [name: string, type: 'seq' | 'int10' | 'int4' | 'int2' | 'int1' | 'char' | 'text', nullable?: boolean]
const types: Record<MoodleKind, Record<MoodleColumn[1], string>> = {
  postgres: { seq: 'BIGSERIAL PRIMARY KEY', int10: 'BIGINT', int4: 'SMALLINT', int2: 'SMALLINT', int1: 'SMALLINT', char: 'VARCHAR(255)', text: 'TEXT' },
  mariadb: { seq: 'BIGINT AUTO_INCREMENT PRIMARY KEY', int10: 'BIGINT', int4: 'SMALLINT', int2: 'TINYINT', int1: 'TINYINT', char: 'VARCHAR(255)', text: 'LONGTEXT' },
}

/** The part of Moodle 4.x's schema the owner resolution reads (install.xml column types). */
const moodleTables: Record<string, MoodleColumn[]> = {
  bigbluebuttonbn: [['id', 'seq'], ['type', 'int2'], ['course', 'int10'], ['name', 'char'], ['intro', 'text', true], ['introformat', 'int4'], ['meetingid', 'char'], ['moderatorpass', 'char'], ['viewerpass', 'char'], ['participants', 'text', true], ['record', 'int1'], ['timecreated', 'int10'], ['timemodified', 'int10']],
  bigbluebuttonbn_recordings: [['id', 'seq'], ['courseid', 'int10'], ['bigbluebuttonbnid', 'int10'], ['groupid', 'int10', true], ['recordingid', 'char'], ['headless', 'int1'], ['imported', 'int1'], ['status', 'int1'], ['importeddata', 'text', true], ['timecreated', 'int10'], ['usermodified', 'int10'], ['timemodified', 'int10']],
  bigbluebuttonbn_logs: [['id', 'seq'], ['courseid', 'int10'], ['bigbluebuttonbnid', 'int10'], ['userid', 'int10', true], ['timecreated', 'int10'], ['meetingid', 'char'], ['log', 'char'], ['meta', 'text', true]],
  modules: [['id', 'seq'], ['name', 'char'], ['cron', 'int10'], ['lastcron', 'int10'], ['search', 'char'], ['visible', 'int1']],
  course_modules: [['id', 'seq'], ['course', 'int10'], ['module', 'int10'], ['instance', 'int10'], ['section', 'int10'], ['visible', 'int1']],
  context: [['id', 'seq'], ['contextlevel', 'int10'], ['instanceid', 'int10'], ['path', 'char', true], ['depth', 'int2'], ['locked', 'int2']],
  role: [['id', 'seq'], ['name', 'char'], ['shortname', 'char'], ['description', 'text'], ['sortorder', 'int10'], ['archetype', 'char']],
  role_assignments: [['id', 'seq'], ['roleid', 'int10'], ['contextid', 'int10'], ['userid', 'int10'], ['timemodified', 'int10'], ['modifierid', 'int10'], ['component', 'char'], ['itemid', 'int10'], ['sortorder', 'int10']],
  user: [['id', 'seq'], ['auth', 'char'], ['deleted', 'int1'], ['suspended', 'int1'], ['username', 'char'], ['idnumber', 'char'], ['firstname', 'char'], ['lastname', 'char'], ['email', 'char']],
  config: [['id', 'seq'], ['name', 'char'], ['value', 'text']],
  enrol: [['id', 'seq'], ['enrol', 'char'], ['status', 'int10'], ['courseid', 'int10']],
  user_enrolments: [['id', 'seq'], ['status', 'int10'], ['enrolid', 'int10'], ['userid', 'int10'], ['timestart', 'int10'], ['timeend', 'int10']],
}

const defaults: Record<MoodleColumn[1], unknown> = { seq: undefined, int10: 0, int4: 0, int2: 0, int1: 0, char: '', text: '' }

/** CREATE TABLE statements for these tables, with `prefix` (Moodle's `mdl_`). */
export function moodleDdl(kind: MoodleKind, prefix: string): string[] {
  const q = (id: string) => (kind === 'postgres' ? `"${id}"` : `\`${id}\``)
  return Object.entries(moodleTables).map(([table, cols]) =>
    `CREATE TABLE ${q(prefix + table)} (${cols.map(([c, type, nullable]) => `${q(c)} ${types[kind][type]}${type === 'seq' ? '' : nullable ? ' NULL' : ` NOT NULL DEFAULT ${type === 'text' && kind === 'mariadb' ? "('')" : typeof defaults[type] === 'string' ? "''" : defaults[type]}`}`).join(', ')})`)
}
