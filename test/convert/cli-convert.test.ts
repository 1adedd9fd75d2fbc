import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { writeSyntheticPresentation } from '../../src/demo/synthetic-presentation.ts'
import { cli } from '../helpers/cli.ts'
import { frameAt, frameTimes, near, probeJson } from '../helpers/media.ts'
import { playbackHost, RECORD_ID } from '../helpers/playback.ts'

const exportJs = fileURLToPath(new URL('../../bbb-recorder/export.js', import.meta.url))
const host = await playbackHost(t)
const work = mkdtempSync(path.join(os.tmpdir(), 'bbb-cli-convert-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))
await writeSyntheticPresentation(host.root, { recordId: RECORD_ID, durationS: 6, slides: [{ colour: '#00ff00', in: 0, out: 6 }], webcam: { fps: 10 } })
const url = `${host.url}playback/presentation/2.3/${RECORD_ID}`
/** The playback host is the only one `convert` may fetch from. */
const allowed = { CONVERT_ALLOWED_HOSTS: new URL(host.url).host }

function node(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => execFile(process.execPath, args, { cwd, timeout: 120_000 },
    (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })))
}

t.test('bbb-portal convert: cameras beside the slides by default (as the player), or picture-in-picture, or none', async (t) => {
  const out = path.join(work, 'auto.mp4')
  const r = await cli(['convert', url, out, '--progress'], allowed)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /6\.0 s of presentation, \d+ frames, webcam side, in [\d.]+ s \([\d.]+× real time\)/)
  t.match(r.stderr, /progress 100%/)
  let f = await frameAt(out, 3)
  t.ok(near(f(100, 100), [0, 255, 0]) && near(f(900, 700), [0, 0, 0]), 'slides 960 px wide, letterboxed')
  t.notOk(near(f(1100, 100), [0, 0, 0]), 'the camera in the right column')
  const pip = path.join(work, 'pip.mp4')
  t.equal((await cli(['convert', url, pip, '--webcam', 'pip'], allowed)).code, 0)
  f = await frameAt(pip, 3)
  t.ok(near(f(100, 100), [0, 255, 0]), 'slide')
  t.notOk(near(f(1180, 660), [0, 255, 0]), 'webcam in the bottom-right corner')
  const none = path.join(work, 'none.mp4')
  t.equal((await cli(['convert', url, none, '--webcam', 'none', '--cursor', 'off'], allowed)).code, 0)
  t.ok(near((await frameAt(none, 3))(1180, 660), [0, 255, 0]))
})

t.test('a camera on for a while: the slides are full width before and after, no inset over them while BBB fills with white', async (t) => {
  const id = `${RECORD_ID.slice(0, -1)}7`
  await writeSyntheticPresentation(host.root, { recordId: id, durationS: 9, slides: [{ colour: '#00ff00', in: 0, out: 9 }], webcam: { fps: 10, on: [[3, 6]] } })
  for (const layout of ['auto', 'pip']) {
    const out = path.join(work, `interval-${layout}.mp4`)
    const r = await cli(['convert', `${host.url}playback/presentation/2.3/${id}`, out, '--webcam', layout, '--cursor', 'off'], allowed)
    t.equal(r.code, 0, r.stderr)
    for (const at of [1, 8]) {
      const f = await frameAt(out, at)
      t.ok(near(f(1180, 660), [0, 255, 0]) && near(f(1100, 100), [0, 255, 0]), `${layout}, ${at} s: camera off, the slide fills the frame (no white inset)`)
    }
    const f = await frameAt(out, 4.5)
    t.notOk(near(f(layout === 'pip' ? 1180 : 1100, layout === 'pip' ? 660 : 100), [0, 255, 0]), `${layout}, 4.5 s: the camera shows`)
    const times = await frameTimes(out)
    const within = (from: number, to: number) => times.filter((s) => s > from && s < to).length
    t.equal(within(0.5, 2.5) + within(7.5, 7.9), 0, `${layout}: nothing moves before or after the camera, no picture is repeated there`)
    t.ok(within(3.5, 5.5) >= 19, `${layout}: the camera's 10 pictures a second while it shows`)
  }
})

t.test('a meeting with cameras and nothing else: the cameras fill the frame', async (t) => {
  const id = `${RECORD_ID.slice(0, -1)}6`
  await writeSyntheticPresentation(host.root, { recordId: id, durationS: 4, slides: [], webcam: { fps: 10 } })
  const out = path.join(work, 'cameras-only.mp4')
  const r = await cli(['convert', `${host.url}playback/presentation/2.3/${id}`, out, '--cursor', 'off'], allowed)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /webcam fill/)
  const f = await frameAt(out, 2)
  t.notOk(near(f(640, 360), [0, 0, 0]) && near(f(300, 360), [0, 0, 0]), 'not a black frame')
  t.ok(near(f(100, 360), [0, 0, 0]), 'a 4:3 picture centred, black at the sides')
})

t.test("a webcam track that is only BBB's white filler is left out", async (t) => {
  const id = `${RECORD_ID.slice(0, -1)}9`
  await writeSyntheticPresentation(host.root, { recordId: id, durationS: 4, slides: [{ colour: '#00ff00', in: 0, out: 4 }], webcam: { fps: 10, blank: true } })
  const out = path.join(work, 'blank.mp4')
  const r = await cli(['convert', `${host.url}playback/presentation/2.3/${id}`, out], allowed)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /webcam none/)
  t.ok(near((await frameAt(out, 2))(1180, 660), [0, 255, 0]))
})

t.test('bbb-portal convert: clear errors, non-zero exit, no output', async (t) => {
  const out = path.join(work, 'bad.mp4')
  let r = await cli(['convert', 'https://bbb.univ.fr/b/some-room', out], allowed)
  t.equal(r.code, 1)
  t.match(r.stderr, /not a BBB playback URL/)
  r = await cli(['convert', `${host.url}playback/presentation/2.3/unknown-recording`, out], allowed)
  t.equal(r.code, 1)
  t.match(r.stderr, /metadata.xml is missing/)
  r = await cli(['convert', url, out, '--width', '1000'], allowed)
  t.not(r.code, 0)
  t.match(r.stderr, /Allowed choices are 1280, 1920/)
  t.notOk(existsSync(out))
})

t.test('bbb-portal convert fetches from allowed hosts only, and reads a folder only with --local', async (t) => {
  const out = path.join(work, 'refused.mp4')
  let r = await cli(['convert', url, out], {})
  t.equal(r.code, 1, 'no host allowed, none configured')
  t.match(r.stderr, /set CONVERT_ALLOWED_HOSTS/)
  r = await cli(['convert', url, out], { CONVERT_ALLOWED_HOSTS: 'bbb.univ.example' })
  t.equal(r.code, 1)
  t.match(r.stderr, /127\.0\.0\.1:\d+ is not one of the configured BBB hosts/)
  r = await cli(['convert', url, out], { BBB_URL: `${host.url}bigbluebutton/`, BBB_SECRET: 'a-secret-for-this-test' })
  t.equal(r.code, 0, `the configured source's host is allowed: ${r.stderr}`)
  const folder = path.join(host.root, 'presentation', RECORD_ID)
  for (const input of [folder, 'http:/../../../..' + folder]) {
    r = await cli(['convert', input, out], allowed)
    t.equal(r.code, 1, `${input} without --local`)
    t.match(r.stderr, /is not a playback URL/)
    t.notMatch(r.stderr, /metadata\.xml/, 'and nothing said of what the path holds')
  }
  r = await cli(['convert', folder, path.join(work, 'local.mp4'), '--local', '--to', '2'], {})
  t.equal(r.code, 0, r.stderr)
})

t.test('a video playback is downloaded as it is', async (t) => {
  const dir = path.join(host.root, 'video', RECORD_ID)
  mkdirSync(dir, { recursive: true })
  cpSync(path.join(work, 'none.mp4'), path.join(dir, 'video-0.m4v'))
  writeFileSync(path.join(dir, 'index.html'), '<html><body><video controls><source src="video-0.m4v" type="video/mp4"></video></body></html>')
  const out = path.join(work, 'video.mp4')
  const r = await cli(['convert', `${host.url}playback/video/${RECORD_ID}/`, out], allowed)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /of video/)
  t.same(readFileSync(out), readFileSync(path.join(dir, 'video-0.m4v')), 'byte for byte, no re-encoding')
})

t.test('export.js: the bbb-recorder drop-in Pod calls', async (t) => {
  const plugin = path.join(work, 'plugin')
  const media = path.join(work, 'media')
  mkdirSync(media)
  cpSync(path.dirname(exportJs), plugin, { recursive: true })
  writeFileSync(path.join(plugin, '.env'), JSON.stringify({ copyToPath: media, bbbPortal: fileURLToPath(new URL('../../bin/bbb-portal.js', import.meta.url)), allowedHosts: [new URL(host.url).host] }))
  const ok = await node(['export.js', url, `${RECORD_ID}.webm`], plugin)
  t.equal(ok.code, 0, ok.stderr)
  const info = await probeJson(path.join(media, `${RECORD_ID}.webm`))
  t.ok(Math.abs(Number(info.format.duration) - 6) <= 0.5, 'complete file where Pod looks for it')
  const trimmed = await node(['export.js', url, 'short', '3'], plugin)
  t.equal(trimmed.code, 0, trimmed.stderr)
  t.ok(Math.abs(Number((await probeJson(path.join(media, 'short.mp4'))).format.duration) - 3) <= 0.5, 'bbb-recorder third argument: seconds to keep')
  const hostile = await node(['export.js', url, '../../etc/cron.d/x'], plugin)
  t.equal(hostile.code, 1)
  t.match(hostile.stderr, /refused file name/)
  for (const input of [host.root, path.join(host.root, 'presentation', RECORD_ID), 'http:/../../../../tmp', 'file:///etc/passwd']) {
    const refused = await node(['export.js', input, 'local.mp4'], plugin)
    t.equal(refused.code, 1, `${input}: refused`)
    t.match(refused.stderr, /an http\(s\) playback URL is expected/)
  }
  const elsewhere = await node(['export.js', url.replace('127.0.0.1', 'localhost'), 'elsewhere.mp4'], plugin)
  t.equal(elsewhere.code, 1, 'a host not in allowedHosts')
  t.match(elsewhere.stderr, /is not one of the configured BBB hosts/)
  t.notOk(existsSync(path.join(media, 'elsewhere.mp4')))
  const broken = await node(['export.js', `${host.url}playback/presentation/2.3/missing-one`, 'missing.webm'], plugin)
  t.equal(broken.code, 1)
  t.notOk(existsSync(path.join(media, 'missing.webm')))
})
