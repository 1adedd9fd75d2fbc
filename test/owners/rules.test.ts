import t from 'tap'
import { parseMoodleMeetingId } from '../../src/moodle/meeting-id.ts'
import { moderatorsOf, neededRoles, parseParticipants } from '../../src/moodle/moderator-rules.ts'
import { parseOwnerMapping } from '../../src/owners/mapping-file.ts'

const roles = new Map([[1, 'manager'], [3, 'editingteacher'], [4, 'teacher'], [5, 'student']])

t.test('meetingIDs Moodle writes', async (t) => {
  t.same(parseMoodleMeetingId('abc-12-345[0]'), { seed: 'abc', courseId: 12, instanceId: 345, groupId: 0 })
  t.same(parseMoodleMeetingId('abc-12-345[7]'), { seed: 'abc', courseId: 12, instanceId: 345, groupId: 7 })
  t.same(parseMoodleMeetingId('abc-12-345'), { seed: 'abc', courseId: 12, instanceId: 345, groupId: undefined }, 'before 4.0: no brackets')
  t.equal(parseMoodleMeetingId('random-room-name'), undefined)
  t.equal(parseMoodleMeetingId('0a1b2c3d'), undefined)
})

t.test('participants JSON: what Moodle treats as "use the defaults"', async (t) => {
  for (const empty of [null, '', '  ', '[]', 'not json', '{"a":1}']) t.equal(parseParticipants(empty), null, JSON.stringify(empty))
  t.same(parseParticipants('[{"selectiontype":"user","selectionid":12,"role":"moderator"},{"selectiontype":"bogus","selectionid":"1","role":"moderator"}]'), [{ type: 'user', id: '12', role: 'moderator' }])
})

t.test('moderators: rules, defaults and reasons', async (t) => {
  const assignments = [{ userId: 10, roleId: 3 }, { userId: 11, roleId: 4 }, { userId: 12, roleId: 5 }, { userId: 13, roleId: 1 }]
  const rules = parseParticipants('[{"selectiontype":"role","selectionid":"teacher","role":"moderator"},{"selectiontype":"user","selectionid":"11","role":"moderator"},{"selectiontype":"role","selectionid":"5","role":"viewer"}]')
  t.same([...moderatorsOf({ rules, defaultSetting: '0,3', roles, assignments, owner: 99 })], [[11, 'moodle-user']], 'the user rule is the reason kept; viewer rules and the owner do not count with explicit rules')
  t.same(new Map(moderatorsOf({ rules: null, defaultSetting: '0,3', roles, assignments, owner: 99 })), new Map([[10, 'moodle-role:editingteacher'], [99, 'moodle-owner']]), 'defaults 0,3')
  t.same([...moderatorsOf({ rules: null, defaultSetting: '3', roles, assignments, owner: 99 }).keys()], [10], 'without 0 the owner is not a moderator')
  const all = parseParticipants('[{"selectiontype":"all","selectionid":"all","role":"moderator"}]')
  t.same([...moderatorsOf({ rules: all, defaultSetting: '0', roles, assignments }).keys()].sort(), [10, 11, 12, 13], 'an "all" moderator rule: everyone holding a role there')
  t.same(neededRoles(all, '0', roles), { roleIds: [], anyRole: true })
  t.same(neededRoles(parseParticipants('[{"selectiontype":"role","selectionid":"unknownrole","role":"moderator"}]'), '0', roles), { roleIds: [], anyRole: false })
})

t.test('the mapping file', async (t) => {
  const m = parseOwnerMapping('key,usernames\nrid-1,Alice bob\nmeeting-9,"carol|dave"\nMATH101,erin\n')
  t.same(m.lookup({ recordId: 'rid-1', meetingId: 'x' }), ['alice', 'bob'])
  t.same(m.lookup({ recordId: 'r', meetingId: 'meeting-9' }), ['carol', 'dave'])
  t.same(m.lookup({ recordId: 'r', meetingId: 'm', contextLabel: 'MATH101' }), ['erin'])
  t.equal(m.lookup({ recordId: 'r', meetingId: 'm' }), undefined)
  const onlyMeetings = parseOwnerMapping('meetingID;usernames\nrid-1;alice\n')
  t.equal(onlyMeetings.lookup({ recordId: 'rid-1', meetingId: 'x' }), undefined, 'a meetingID column never matches recordIDs')
  t.throws(() => parseOwnerMapping('key,usernames\nrid-1,\n', 'owners.csv'), /owners.csv: line 2 needs a key and at least one username/)
  t.throws(() => parseOwnerMapping('# owners of the old server\n\nrid-1,alice\nrid-2\n', 'owners.csv'), /owners.csv: line 4 needs/, 'the line in the file, comments and blank lines counted')
  t.throws(() => parseOwnerMapping('a,"b\n', 'owners.csv'), /owners.csv: not valid CSV/)
})
