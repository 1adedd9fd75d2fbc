import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { convertPlayback } from '../../src/convert/converter.ts'
import { writeSyntheticPresentation, type PresentationSpec } from '../../src/demo/synthetic-presentation.ts'
import { beepOnset, countNear, ffmpeg, ffmpegBefore, frameAt, near, probeJson } from '../helpers/media.ts'
import { playbackHost, RECORD_ID } from '../helpers/playback.ts'

const RED: [number, number, number] = [255, 0, 0], GREEN: [number, number, number] = [0, 255, 0], BLUE: [number, number, number] = [0, 0, 255]
const BLACK: [number, number, number] = [0, 0, 0], YELLOW: [number, number, number] = [255, 255, 0], MAGENTA: [number, number, number] = [255, 0, 255],
  WHITE: [number, number, number] = [255, 255, 255]

// 30 s: a red PNG slide with a black box drawn at 3 s and undone at 8 s, a green JPG slide with a
// yellow box and a zoom on it at 13 s and the cursor in the middle at 15 s, a blue SVG slide
// (BBB 2.6 style) with a white disc, a screenshare from 22 to 25 s, a beep at 17 s.
const spec: PresentationSpec = {
  recordId: RECORD_ID, durationS: 30, beepAt: 17,
  slides: [{ colour: '#ff0000', in: 0, out: 10 }, { colour: '#00ff00', in: 10, out: 20, format: 'jpg', text: '\n  Le marché   du travail\nEmploi et chômage' }, { colour: '#0000ff', in: 20, out: 30, format: 'svg' }],
  ink: [
    { slide: 0, t: 3, undo: 8, shape: 'rectangle1', style: 'stroke:#000000;fill:#000000;stroke-width:4', svg: '<rect x="100" y="100" width="300" height="200"/>' },
    { slide: 0, t: 5, shape: 'pencil2', style: 'stroke:#0000ff;stroke-width:8;fill:none', svg: '<path d="M900 700L1000 700"/>' },
    { slide: 0, t: 6, shape: 'pencil2', style: 'stroke:#0000ff;stroke-width:8;fill:none', svg: '<path d="M900 700L1500 700"/>' },
    { slide: 0, t: 5.5, shape: 'text3', style: 'color:#000000;word-wrap:break-word;font-family:Arial;font-size:60px', svg: '<switch><foreignObject width="600" height="200" x="900" y="100"><p xmlns="http://www.w3.org/1999/xhtml" style="margin:0;padding:0">Bonjour tout le monde</p></foreignObject></switch>' },
    { slide: 1, t: 11, shape: 'rectangle4', style: 'stroke:#ffff00;fill:#ffff00;stroke-width:2', svg: '<rect x="1000" y="600" width="200" height="100"/>' },
    // A poll result: BBB draws it as an image of the recording (an SVG) on the slide.
    { slide: 1, t: 18, shape: 'poll_result5', style: '', svg: '<image xlink:href="presentation/poll_result5.svg" x="900" y="500" width="400" height="300"/>' },
  ],
  panzooms: [[0, '0.0 0.0 1600.0 900.0'], [13, '800.0 450.0 800.0 450.0'], [20, '0.0 0.0 1600.0 900.0']],
  cursor: [[0, -1, -1], [15, 0.5, 0.5], [16, -1, -1]],
  deskshare: { intervals: [[22, 25]], pattern: 'solid', colour: 'magenta' },
  captions: [{ locale: 'fr', name: 'Français', cues: [[1, 4, 'Bonjour']] }],
}

const host = await playbackHost(t, { scalelite: true, protectedTokens: { [RECORD_ID]: 'tok3n' } })
const richDir = await writeSyntheticPresentation(host.root, spec)
fs.writeFileSync(path.join(richDir, 'presentation', 'poll_result5.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#ff8000"/></svg>')
const out = mkdtempSync(path.join(os.tmpdir(), 'bbb-convert-out-'))
t.teardown(() => fs.rmSync(out, { recursive: true, force: true }))

const output = path.join(out, 'rich.mp4')
const progress: number[] = []
const plain = { ...spec, recordId: `${RECORD_ID.slice(0, -1)}1`, deskshare: undefined, captions: undefined }

t.before(async () => {
  await writeSyntheticPresentation(host.root, plain)
  // The recording is protected by Scalelite: the asset requests only work with its cookie.
  await convertPlayback(`${host.url}recording/${RECORD_ID}/presentation?token=tok3n`, output, { onProgress: (p) => progress.push(p) })
})

t.test('the output is a complete H.264 + AAC MP4 as long as the recording, with the captions', async (t) => {
  const info = await probeJson(output)
  t.ok(Math.abs(Number(info.format.duration) - 30) <= 0.5, `duration ${info.format.duration}`)
  const video = info.streams.find((s) => s.codec_type === 'video')!
  t.match(video, { codec_name: 'h264', pix_fmt: 'yuv420p', width: 1280, height: 720 })
  const sound = info.streams.find((s) => s.codec_type === 'audio')!
  t.match(sound, { codec_name: 'aac', channels: 1 }, 'the mono meeting sound stays mono')
  t.ok(Number(sound.bit_rate) < 80_000, `at the mono rate (${sound.bit_rate} b/s)`)
  t.ok(info.streams.some((s) => s.codec_type === 'subtitle' && s.codec_name === 'mov_text' && (s.tags as Record<string, string>).language === 'fra'))
  t.equal(progress.at(-1), 100)
  t.ok(progress.some((p) => p > 0 && p < 100), 'intermediate progress was reported')
})

t.test('one chapter per slide, titled by the slide\'s text where BBB wrote it, "Diapositive N" elsewhere', async (t) => {
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => execFile('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_chapters', output], (e, stdout) => (e ? reject(e) : resolve({ stdout }))))
  const chapters = (JSON.parse(stdout).chapters as Array<{ start_time: string; end_time: string; tags: { title: string } }>).map((c) => [Number(c.start_time),
    Number(c.end_time), c.tags.title])
  t.same(chapters, [[0, 10, 'Diapositive 1'], [10, 20, 'Le marché du travail'], [20, 30, 'Diapositive 3']])
})

t.test('frames show the slide, ink, zoom, cursor and screenshare of their time', async (t) => {
  const at = async (s: number) => frameAt(output, s)
  let f = await at(2)
  t.ok(near(f(200, 160), RED), 'red slide before the box is drawn')
  f = await at(4)
  t.ok(near(f(200, 160), BLACK), 'black box drawn at 3 s (slide 1600×900 → 1280×720)')
  f = await at(5.2)
  t.ok(near(f(760, 560), BLUE) && !near(f(1000, 560), BLUE), 'first version of the stroke')
  f = await at(7)
  t.ok(near(f(1000, 560), BLUE), 'the newer version of the stroke replaces the older one')
  const dark = countNear(f, { x: [720, 1200], y: [80, 150] }, BLACK)
  t.ok(dark > 50, `text ink is drawn (${dark} dark samples)`)
  f = await at(9)
  t.ok(near(f(200, 160), RED), 'box undone at 8 s')
  f = await at(12)
  t.ok(near(f(880, 520), YELLOW) && near(f(480, 320), GREEN), 'yellow box at its place before the zoom')
  f = await at(14)
  t.ok(near(f(480, 320), YELLOW), 'zoomed on the bottom-right quarter at 13 s')
  f = await at(15.5)
  t.ok(near(f(640, 360), RED, 60), 'cursor in the middle of the view')
  f = await at(16.5)
  t.notOk(near(f(640, 360), RED, 60), 'cursor hidden at 16 s')
  f = await at(18.5)
  t.ok(near(f(200, 120), [255, 128, 0]), 'poll result image drawn where BBB put it (zoomed view)')
  f = await at(21)
  t.ok(near(f(100, 100), BLUE) && near(f(640, 360), WHITE), 'SVG slide (BBB 2.6) rasterised')
  f = await at(23.5)
  t.ok(near(f(640, 360), MAGENTA) && near(f(100, 100), MAGENTA), 'screenshare shown during its interval')
  f = await at(26)
  t.ok(near(f(100, 100), BLUE), 'slides back after the screenshare')
})

t.test('the beep is heard at its second', async (t) => {
  const beep = await beepOnset(output)
  t.ok(Math.abs(beep - 17) <= 0.15, `beep at ${beep} s`)
})

t.test('2.0 playback.html URLs, trimming, no cursor or annotations', async (t) => {
  const file = path.join(out, 'trim.mp4')
  await convertPlayback(`${host.url}playback/presentation/2.0/playback.html?meetingId=${plain.recordId}`, file, { from: 2, to: 12, annotations: false, cursor: false, width: 1920 })
  const info = await probeJson(file)
  t.ok(Math.abs(Number(info.format.duration) - 10) <= 0.5, `duration ${info.format.duration}`)
  const f = await frameAt(file, 3, 1920, 1080)
  t.ok(near(f(300, 240), RED), 'no ink with --annotations off (output second 3 = recording second 5)')
  const beep = await beepOnset(file)
  t.ok(Math.abs(beep - 15) > 1, 'audio trimmed too: the beep at 17 s is outside 2–12')
})

t.test('a local published folder converts the same way, when the caller says it is one', async (t) => {
  const file = path.join(out, 'local.mp4')
  const folder = path.join(host.root, 'presentation', plain.recordId)
  // What an import does with a format URL from a BBB reply: a path (or a URL without a host) is refused, unread.
  for (const input of [folder, `http:/../../../..${folder}`, 'http:/nowhere/metadata.xml']) {
    await t.rejects(convertPlayback(input, file), { message: /is not a playback URL \(http or https, with a host\)$/, retryable: false }, input)
  }
  t.notOk(fs.existsSync(file))
  const result = await convertPlayback(folder, file, { to: 5, local: true })
  t.equal(result.kind, 'presentation')
  t.ok(near((await frameAt(file, 4))(200, 160), BLACK))
})

t.test('real BBB 2.2 published files (with generated slide images and sound)', async (t) => {
  const id = '9a9b6536a10b10017f7e849d30a026809852d01f-1598364581253'
  const dir = path.join(host.root, 'presentation', id)
  const fixture = (name: string) => new URL(`../fixtures/bbb/${name}`, import.meta.url)
  fs.mkdirSync(path.join(dir, 'audio'), { recursive: true })
  for (const name of ['metadata.xml', 'shapes.svg', 'panzooms.xml', 'cursor.xml']) fs.copyFileSync(fixture(`presentation-bbb22-${name}`), path.join(dir, name))
  const hrefs = [...new Set([...fs.readFileSync(path.join(dir, 'shapes.svg'), 'utf8').matchAll(/xlink:href="([^"]+)"/g)].map((m) => m[1]!))]
  for (const [i, href] of hrefs.entries()) {
    fs.mkdirSync(path.dirname(path.join(dir, href)), { recursive: true })
    await ffmpeg(['-f', 'lavfi', '-i', `color=c=${['white', 'yellow', 'cyan', 'orange'][i % 4]}:s=1600x900`, '-frames:v', '1', path.join(dir, href)])
  }
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=9.566', '-c:a', 'libopus', path.join(dir, 'audio', 'audio.webm')])
  const file = path.join(out, 'real.mp4')
  const result = await convertPlayback(`${host.url}playback/presentation/2.0/playback.html?meetingId=${id}`, file)
  t.ok(Math.abs(result.durationS - 9.566) <= 0.5, `duration ${result.durationS} (metadata.xml says 9566 ms)`)
  t.ok(near((await frameAt(file, 3))(50, 50), WHITE), 'first slide until 6.2 s')
  t.ok(near((await frameAt(file, 8))(50, 50), YELLOW), 'second slide from 6.2 s')
})

t.test('cancelling stops ffmpeg and removes the temporary files', async (t) => {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'bbb-cancel-'))
  const controller = new AbortController()
  const file = path.join(out, 'cancelled.mp4')
  const started = convertPlayback(`${host.url}playback/presentation/2.3/${plain.recordId}`, file, {
    tmpDir, signal: controller.signal, onProgress: (p) => p > 0 && controller.abort(),
  })
  await t.rejects(started, /cancelled/)
  t.same(readdirSync(tmpDir), [], 'temporary folder removed')
  t.notOk(existsSync(file))
  const { execFileSync } = await import('node:child_process')
  const running = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes('ffmpeg') && l.includes(tmpDir))
  t.same(running, [], 'no ffmpeg left running')
  fs.rmSync(tmpDir, { recursive: true, force: true })
})

t.test('nothing is left behind when a conversion fails', async (t) => {
  const file = path.join(out, 'failed.mp4')
  await t.rejects(convertPlayback(`${host.url}playback/presentation/2.3/${RECORD_ID}`, file), /HTTP 403.*access refused/, 'protected recording without its token')
  t.notOk(existsSync(file))
  t.same(readdirSync(out).filter((f) => f.includes('.part')), [])
})

const withCamera = { recordId: `${RECORD_ID.slice(0, -1)}7`, durationS: 6, slides: [{ colour: '#ff0000', in: 0, out: 6 }], webcam: { on: [[2, 4]] as Array<[number, number]> } }

t.test('the sound is encoded while the cameras are sampled and the picture drawn, not after', async (t) => {
  // Every ffmpeg the converter starts notes when, and what for.
  const bin = ffmpegBefore(t, (dir) => `echo "$(date +%s%N) $(echo "$@" | grep -o 'skip_frame\\|sound.m4a\\|picture.mp4' | head -1)" >> ${dir}/journal`)
  const dir = await writeSyntheticPresentation(host.root, withCamera)
  await convertPlayback(dir, path.join(out, 'cams.mp4'), { local: true })
  // The first start of each (the final mux names the picture and the sound again).
  const started = new Map<string, bigint>()
  for (const [ns, what] of fs.readFileSync(path.join(bin, 'journal'), 'utf8').trim().split('\n').map((line) => line.split(' '))) if (what && !started.has(what)) started.set(what, BigInt(ns!))
  t.same([...started.keys()].sort(), ['picture.mp4', 'skip_frame', 'sound.m4a'], 'cameras sampled, picture, sound')
  t.ok(started.get('sound.m4a')! < started.get('skip_frame')!, 'the sound starts before the cameras are sampled')
})

t.test('a sound that fails stops the rest, and its error is the one reported', async (t) => {
  const dir = await writeSyntheticPresentation(host.root, withCamera)
  ffmpegBefore(t, () => 'case "$*" in *sound.m4a*) echo "No space left on device" >&2; exit 1;; esac')
  const file = path.join(out, 'no-sound.mp4')
  await t.rejects(convertPlayback(dir, file, { local: true }), /No space left on device/)
  t.notOk(existsSync(file))
})
