import t from 'tap'
import { betweenExpression, buildPictureSampleCommand, buildRenderCommand, captionLanguage, type RenderPlan } from '../../src/convert/ffmpeg-command.ts'

const base: RenderPlan = {
  width: 1280, height: 720, areaWidth: 1280, duration: 60, from: 0, audio: { file: '/tmp/a/audio.webm' }, captions: [], output: '/out/.x.mp4.part', preset: 'veryfast', crf: 23,
}
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1]

t.test('slides only: frames from stdin, variable frame rate, master audio, H.264 + AAC, faststart', async (t) => {
  const args = buildRenderCommand(base)
  t.same(args.slice(args.indexOf('-f'), args.indexOf('-f') + 4), ['-f', 'matroska', '-i', 'pipe:0'])
  t.same(args.slice(args.indexOf('/tmp/a/audio.webm') - 3, args.indexOf('/tmp/a/audio.webm') + 1), ['-t', '60.000', '-i', '/tmp/a/audio.webm'])
  t.equal(after(args, '-filter_complex'), '[0:v]format=yuv420p[v0]')
  t.same(args.filter((a, i) => args[i - 1] === '-map'), ['[v0]', '1:a:0'])
  t.equal(after(args, '-fps_mode'), 'passthrough', 'no frame duplication for slides')
  t.equal(after(args, '-bf'), '0')
  t.equal(after(args, '-c:v'), 'libx264')
  t.equal(after(args, '-pix_fmt'), 'yuv420p')
  t.equal(after(args, '-c:a'), 'aac')
  t.equal(after(args, '-movflags'), '+faststart')
  t.equal(after(args, '-progress'), 'pipe:1')
  t.equal(args.at(-1), '/out/.x.mp4.part')
})

t.test('screenshare overlaid only in its intervals, webcam picture-in-picture, constant rate', async (t) => {
  const args = buildRenderCommand({
    ...base, from: 10, audio: { file: '/w/webcams.webm', seek: 10 }, clockFps: 15,
    deskshare: { file: '/w/deskshare.webm', seek: 10, intervals: [{ start: 5, stop: 20 }, { start: 30, stop: 31.5 }] },
    webcam: { file: '/w/webcams.webm', seek: 10, layout: 'pip' },
  })
  t.equal(args.filter((a) => a === '/w/webcams.webm').length, 1, 'the webcams file is one input for audio and picture')
  t.same(args.slice(args.indexOf('/w/deskshare.webm') - 5, args.indexOf('/w/deskshare.webm')), ['-ss', '10.000', '-t', '60.000', '-i'])
  t.equal(after(args, '-filter_complex'), [
    '[0:v]fps=15[v0]',
    '[2:v]scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:black,setsar=1[desk]',
    "[v0][desk]overlay=0:0:eof_action=pass:enable='between(t,5.000,20.000)+between(t,30.000,31.500)'[v2]",
    '[1:v]scale=256:-2,setsar=1[cam]',
    '[v2][cam]overlay=x=main_w-overlay_w-16:y=main_h-overlay_h-16:eof_action=pass[v4]',
    '[v4]format=yuv420p[v5]',
  ].join(';'))
})

t.test('webcam beside the slides', async (t) => {
  const args = buildRenderCommand({ ...base, areaWidth: 960, audio: { file: '/w/webcams.mp4' }, webcam: { file: '/w/webcams.mp4', layout: 'side' } })
  const graph = after(args, '-filter_complex')!
  t.match(graph, '[0:v]fps=15[v0];[v0]pad=1280:720:0:0:black[v1];[1:v]scale=320:-2,setsar=1[cam];[v1][cam]overlay=x=960:y=0')
})

t.test('captions become mov_text tracks with ISO 639-2 languages', async (t) => {
  const args = buildRenderCommand({ ...base, captions: [{ file: '/c/caption_fr.vtt', language: 'fr', title: 'Français' }, { file: '/c/caption_pt-BR.vtt', language: 'pt-BR', title: 'Português' }] })
  t.same(args.filter((a, i) => args[i - 1] === '-map'), ['[v0]', '1:a:0', '2:s:0', '3:s:0'])
  t.equal(after(args, '-c:s:1'), 'mov_text')
  t.ok(args.includes('language=fra') && args.includes('language=por') && args.includes('title=Français'))
  t.equal(captionLanguage('xx'), 'und')
})

t.test('interval expressions and the webcam sampling command', async (t) => {
  t.equal(betweenExpression([]), '0')
  const sample = buildPictureSampleCommand('/w/webcams.webm', 3600)
  t.equal(sample[sample.indexOf('-skip_frame') + 1], 'nokey', 'only keyframes are decoded')
  t.match(sample[sample.indexOf('-vf') + 1], /^fps=1\/180,scale=16:16,format=gray$/)
})
