import t from 'tap'
import { buildQuery, checksum, signedApiUrl } from '../../src/bbb/checksum.ts'

// Expected values computed with coreutils: echo -n "<call><query><secret>" | sha1sum
t.test('checksum is hex(H(callName + query + secret)) for each algorithm', async (t) => {
  const query = 'meetingID=abc&state=any'
  t.equal(checksum('getRecordings', query, 'secret', 'sha1'), 'e804035c079288807a1d59cb80ee3e44c39e469c')
  t.equal(checksum('getRecordings', query, 'secret', 'sha256'), '2fbb684c13e570c7aa67267212b7999376977de3b42e46ec557a7a918b619422')
  t.equal(
    checksum('getRecordings', query, 'secret', 'sha512'),
    '7f71157985df82014a8e1b2d1533ad43023144df1e3cf9efe40af98a89eb4c801a772643eb441ab713e3af3ad15c89632531a5918bb64ec38cbdc65bbbf2898e',
  )
})

t.test('an empty query signs just the call name and secret, like Pod does', async (t) => {
  t.equal(signedApiUrl('https://bbb.univ.fr/', 'getRecordings', {}, 'secret', 'sha1'), 'https://bbb.univ.fr/bigbluebutton/api/getRecordings?checksum=53a550334118a9b4b531529e6f025eae043a29b8')
})

t.test('the signed string is exactly the encoded query that is sent', async (t) => {
  const url = new URL(signedApiUrl('https://bbb.univ.fr/', 'getRecordings', { recordID: 'a b,c', offset: 0, limit: undefined }, 's3', 'sha256'))
  const query = url.search.slice(1).replace(/&checksum=.*$/, '')
  t.equal(query, 'recordID=a%20b%2Cc&offset=0')
  t.equal(url.searchParams.get('checksum'), checksum('getRecordings', query, 's3', 'sha256'))
  t.equal(buildQuery({ x: 'é&=' }), 'x=%C3%A9%26%3D')
})
