import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { chatTimeline, parseChat, parsePolls, pollBar } from '../../src/convert/chat.ts'
import { stringHash } from '../../src/convert/chat-panel.ts'
import { convertPlayback } from '../../src/convert/converter.ts'
import { writeSyntheticPresentation } from '../../src/demo/synthetic-presentation.ts'
import { countNear, frameAt, near } from '../helpers/media.ts'
import { playbackHost } from '../helpers/playback.ts'

// Chat and polls as BBB publishes them (presentation.rb process_chat_messages, process_poll_events:
// test/fixtures/bbb/presentation-slides_new.xml, presentation-polls.json) and as bbb-playback reads
// and shows them (src/utils/builder.js buildChat, buildPolls; components/chat/messages/*).
const fixture = (name: string) => readFileSync(path.resolve('test/fixtures/bbb', name), 'utf8')

t.test('the chat: XML, then HTML, decoded; roles, emphasis, times', async (t) => {
  const chat = parseChat(fixture('presentation-slides_new.xml'))
  t.same(chat.map((c) => c.kind === 'message' && [c.t, c.name, c.moderator, c.emphasized, c.text]), [
    [1, 'Marie Curie', true, false, 'Bienvenue ! Diapositives : https://example.org/a?x=1&y=2'],
    [2.5, 'Pierre Dupont', false, false, "2 < 3\net c'est tout"],
    [4, 'Marie Curie', true, true, "Question importante pour l'examen"],
  ])
  t.same(parseChat('<!DOCTYPE x [<!ENTITY e "boom">]><popcorn><chattimeline in="1" message="&e;"/></popcorn>'), [], 'a DTD is refused')
  t.same(parseChat('<popcorn><chattimeline in="1" name="x" message="&lt;a href=&quot;https://u.fr&quot; rel=&quot;nofollow&quot;&gt;&lt;u&gt;https://u.fr&lt;/u&gt;&lt;/a&gt;"/></popcorn>')[0], { kind: 'message', t: 1, name: 'x', moderator: false, emphasized: false, text: 'https://u.fr' }, "old links become their URL, as the player's clearHyperlink does")
})

t.test('polls: answers in order, the player\'s percentage of responders and bars', async (t) => {
  const [poll] = parsePolls(fixture('presentation-polls.json'))
  t.match(poll, { kind: 'poll', t: 5, question: 'Avez-vous lu le chapitre ?', responders: 10, answers: [{ n: 1, key: 'Oui', votes: 7 }, { n: 2, key: 'Non', votes: 2 }, { n: 3, key: 'Abstention', votes: 1 }] })
  t.same(pollBar(7, 10), { percent: '70.0', bar: '███████' })
  t.same(pollBar(1, 3), { percent: '33.3', bar: '███▌' }, 'a half block past 2 in the tens')
  t.same(pollBar(0, 10), { percent: '0.0', bar: '-' })
  t.same(pollBar(3, 0), { percent: '0.0', bar: '-' }, 'nobody answered')
  t.same(parsePolls('[{"timestamp":1,"question":"q","answers":[{"id":0,"key":"Yes","numVotes":1},{"id":1,"key":"yes","numVotes":2}],"responders":3}]')[0], { kind: 'poll', t: 1, question: 'q', answers: [{ n: 1, key: 'Yes', votes: 3 }], responders: 3 }, 'keys differing by case are one answer')
})

t.test('one timeline; anonymous names the writers by first appearance; none is empty', async (t) => {
  const chat = parseChat(fixture('presentation-slides_new.xml')), polls = parsePolls(fixture('presentation-polls.json'))
  t.same(chatTimeline(chat, polls, 'panel').map((i) => i.t), [1, 2.5, 4, 5])
  t.same(chatTimeline(chat, polls, 'anonymous').flatMap((i) => (i.kind === 'message' ? [i.name] : [])), ['Participant 1', 'Participant 2', 'Participant 1'])
  t.same(chatTimeline(chat, polls, 'none'), [])
  t.equal(stringHash('ab'), 5861062, "the player's string-hash (h × 33 xor code, from the last character)")
})

t.test('the panel in the video: only when asked, messages as they were written', async (t) => {
  const host = await playbackHost(t)
  const out = mkdtempSync(path.join(os.tmpdir(), 'bbb-chat-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  const id = 'c'.repeat(40) + '-1700000000000'
  const dir = await writeSyntheticPresentation(host.root, { recordId: id, durationS: 8, slides: [{ colour: '#00ff00', in: 0, out: 8 }] })
  copyFileSync(path.resolve('test/fixtures/bbb/presentation-slides_new.xml'), path.join(dir, 'slides_new.xml'))
  copyFileSync(path.resolve('test/fixtures/bbb/presentation-polls.json'), path.join(dir, 'polls.json'))
  const url = `${host.url}playback/presentation/2.3/${id}`
  const plain = path.join(out, 'plain.mp4')
  await convertPlayback(url, plain, { cursor: false })
  t.ok(near((await frameAt(plain, 6))(1100, 400), [0, 255, 0]), 'by default (none): no panel, the slide fills the frame')
  const panel = path.join(out, 'panel.mp4')
  await convertPlayback(url, panel, { cursor: false, chat: 'panel' })
  const before = await frameAt(panel, 0.5), after = await frameAt(panel, 6)
  t.ok(near(after(100, 360), [0, 255, 0]) && near(after(900, 700), [0, 0, 0]), 'the slide 960 wide, letterboxed')
  t.ok(near(after(1270, 10), [0xd4, 0xd9, 0xdf], 20), "the panel's title bar")
  const ink = (f: typeof before) => countNear(f, { x: [970, 1270], y: [300, 700] }, [0x33, 0x33, 0x33], 70)
  t.equal(ink(before), 0, 'nothing written before the first message')
  t.ok(ink(after) > 100, `messages and the poll by 6 s (${ink(after)} dark samples)`)
})
