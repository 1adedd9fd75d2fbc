// The owners benchmark: a first sync of N synthetic recordings whose owners come from a Moodle
// (PostgreSQL) of 20 000 activities with their contexts and role assignments. Compared with the
// same sync without a Moodle, it shows what the owner resolution costs.
import { createHash } from 'node:crypto'
import pg from 'pg'
import { moodleDatabase } from '../test/helpers/moodle.ts'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

/** Builds the Moodle the synthetic recordings come from (src/demo/synthetic.ts: courses 2..998). */
export async function benchMoodle(): Promise<{ url: string; drop(): Promise<void> }> {
  const cleanups: Array<() => unknown> = []
  const m = await moodleDatabase({ teardown: (fn) => cleanups.push(fn) }, 'postgres')
  const client = new pg.Client({ connectionString: m.url })
  await client.connect()
  const seeds = Array.from({ length: 997 }, (_, i) => sha1(`seed${i + 2}`))
  await client.query(`
    INSERT INTO mdl_role (id, name, shortname, description, sortorder, archetype) VALUES (1,'manager','manager','',1,'manager'), (3,'editingteacher','editingteacher','',3,'editingteacher'), (4,'teacher','teacher','',4,'teacher'), (5,'student','student','',5,'student');
    INSERT INTO mdl_config (name, value) VALUES ('bigbluebuttonbn_participant_moderator_default', '0,3');
    INSERT INTO mdl_modules (id, name) VALUES (24, 'bigbluebuttonbn');
    INSERT INTO mdl_user (id, auth, username, firstname, lastname, email) SELECT g, 'cas', 'user' || g, 'Prénom' || g, 'Nom' || g, 'user' || g || '@univ.example' FROM generate_series(2, 20001) g;
    INSERT INTO mdl_context (id, contextlevel, instanceid, path, depth) VALUES (1, 10, 0, '/1', 1), (2, 40, 1, '/1/2', 2);
    INSERT INTO mdl_context (id, contextlevel, instanceid, path, depth) SELECT 10 + c, 50, c, '/1/2/' || (10 + c), 3 FROM generate_series(2, 998) c;
    -- 20 activities per course (19 940): ids c*100+k, the course's seed (restores share it).
    INSERT INTO mdl_bigbluebuttonbn (id, type, course, name, introformat, meetingid, moderatorpass, viewerpass, participants, record)
      SELECT c * 100 + k, 0, c, 'Activité ' || k, 1, s.seed, 'm', 'v',
             CASE WHEN k % 4 = 0 THEN '[]' ELSE '[{"selectiontype":"all","selectionid":"all","role":"viewer"},{"selectiontype":"user","selectionid":"' || (2 + (c * 7 + k) % 20000) || '","role":"moderator"},{"selectiontype":"role","selectionid":"3","role":"moderator"}]' END, 1
        FROM generate_series(2, 998) c CROSS JOIN generate_series(10, 29) k JOIN unnest($1::text[]) WITH ORDINALITY AS s(seed, n) ON s.n = c - 1;
    INSERT INTO mdl_course_modules (id, course, module, instance, section) SELECT id, course, 24, id, 1 FROM mdl_bigbluebuttonbn;
    INSERT INTO mdl_context (id, contextlevel, instanceid, path, depth) SELECT 100000 + id, 70, id, '/1/2/' || (10 + course) || '/' || (100000 + id), 4 FROM mdl_bigbluebuttonbn;
    INSERT INTO mdl_role_assignments (roleid, contextid, userid, component, modifierid) SELECT 3, 10 + c, 2 + (c * 13) % 20000, '', 2 FROM generate_series(2, 998) c;
    INSERT INTO mdl_role_assignments (roleid, contextid, userid, component, modifierid) SELECT 5, 10 + c, 2 + (c * 31 + s) % 20000, '', 2 FROM generate_series(2, 998) c CROSS JOIN generate_series(1, 30) s;
    INSERT INTO mdl_bigbluebuttonbn_logs (courseid, bigbluebuttonbnid, userid, meetingid, log) SELECT course, id, 2 + (id * 3) % 20000, meetingid, 'Add' FROM mdl_bigbluebuttonbn;
    INSERT INTO mdl_enrol (id, enrol, courseid) SELECT c, 'manual', c FROM generate_series(2, 998) c;
    INSERT INTO mdl_user_enrolments (enrolid, userid) SELECT course, 2 + (id * 3) % 20000 FROM mdl_bigbluebuttonbn;
    ANALYZE;`.replace(/\$1::text\[\]/, `ARRAY[${seeds.map((s) => `'${s}'`).join(',')}]::text[]`))
  await client.end()
  return { url: m.url, drop: async () => { for (const fn of cleanups.reverse()) await fn() } }
}
