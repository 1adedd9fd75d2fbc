import t from 'tap'
import { betweenExpression, buildAudioCommand, buildCameraSampleCommand, buildKeyframeTimesCommand, buildMuxCommand, buildVideoCommand, captionLanguage, type RenderPlan } from '../../src/convert/ffmpeg-command.ts'

const base: RenderPlan = {
  width: 1280, height: 720, columnWidth: 320, column: 'never', duration: 60, from: 0, audio: '/tmp/a/audio.webm', captions: [], output: '/out/.x.mp4.part', preset: 'veryfast', quality: 23,
}
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1]

const maps = (args: string[]) => args.filter((_, i) => args[i - 1] === '-map')

t.test('slides only: frames from stdin at a variable rate to H.264; audio to AAC alongside; a copy mux with faststart', async (t) => {
  const args = buildVideoCommand(base, '/tmp/w/picture.mp4')
  t.same(args.slice(args.indexOf('-f'), args.indexOf('-f') + 4), ['-f', 'matroska', '-i', 'pipe:0'])
  t.notOk(args.includes('/tmp/a/audio.webm'), 'the picture run reads no audio')
  t.equal(after(args, '-filter_complex'), '[0:v]format=yuv420p[v0]', 'yuv420p, as players want')
  t.same(maps(args), ['[v0]'])
  t.equal(after(args, '-fps_mode'), 'passthrough', 'no frame duplication for slides')
  t.equal(after(args, '-enc_time_base'), '1:1000', 'frame times kept to the millisecond')
  t.equal(after(args, '-bf'), '0')
  t.equal(after(args, '-c:v'), 'libx264')
  t.equal(after(args, '-crf'), '23', 'slides alone at a constant quality')
  t.notOk(args.includes('-qp'))
  t.equal(after(args, '-progress'), 'pipe:1')
  t.equal(args.at(-1), '/tmp/w/picture.mp4')
  t.notOk(args.includes('-ss'), 'no seek from the start')
  const audio = buildAudioCommand({ ...base, from: 5 }, '/tmp/w/sound.m4a')
  t.same(audio.slice(audio.indexOf('-ss'), audio.indexOf('-ss') + 6), ['-ss', '5.000', '-t', '60.000', '-i', '/tmp/a/audio.webm'])
  t.equal(after(audio, '-c:a'), 'aac')
  t.equal(after(audio, '-aac_coder'), 'fast', 'the cheaper AAC coder, as good at 96 kb/s')
  t.equal(after(audio, '-b:a'), '96k', 'a source of unknown channels keeps the stereo rate')
  t.equal(after(buildAudioCommand({ ...base, channels: 2 }, '/tmp/w/sound.m4a'), '-b:a'), '96k', 'stereo (BBB 3.0)')
  t.equal(after(buildAudioCommand({ ...base, channels: 1 }, '/tmp/w/sound.m4a'), '-b:a'), '64k', 'mono (BBB 2.6–2.7), near BBB\'s own MP4 rate')
  const mux = buildMuxCommand(base, '/tmp/w/picture.mp4', '/tmp/w/sound.m4a')
  t.same(maps(mux), ['0:v:0', '1:a:0'])
  t.equal(after(mux, '-c:v'), 'copy')
  t.equal(after(mux, '-c:a'), 'copy')
  t.equal(after(mux, '-movflags'), '+faststart')
  t.equal(mux.at(-1), '/out/.x.mp4.part')
})

t.test('screenshare overlaid only in its intervals, webcam picture-in-picture only while a camera is on, a constant rate', async (t) => {
  const args = buildVideoCommand({
    ...base, from: 10, audio: '/w/webcams.webm', clockFps: 15,
    deskshare: { file: '/w/deskshare.webm', intervals: [{ start: 5, stop: 20 }, { start: 30, stop: 31.5 }] },
    webcam: { file: '/w/webcams.webm', layout: 'pip', on: [{ start: 0, stop: 12 }] },
  }, '/tmp/w/picture.mp4')
  t.same(args.filter((a, i) => args[i - 1] === '-i'), ['pipe:0', '/w/deskshare.webm', '/w/webcams.webm'], 'inputs 1 and 2 of the graph')
  t.same(args.slice(args.indexOf('/w/deskshare.webm') - 5, args.indexOf('/w/deskshare.webm')), ['-ss', '10.000', '-t', '60.000', '-i'])
  t.equal(after(args, '-filter_complex'), [
    '[0:v]fps=15[v0]',
    "[v0]select='if(eq(pos,ld(0)),between(t,5.000,20.100)+between(t,30.000,31.600)+between(t,0.000,12.100)+between(t,59.000,60.000),st(0,pos)+1)'[v1]",
    '[1:v]scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:black,setsar=1[desk]',
    "[v1][desk]overlay=0:0:eof_action=pass:enable='between(t,5.000,20.000)+between(t,30.000,31.500)'[v3]",
    '[2:v]scale=256:-2,setsar=1[cam]',
    "[v3][cam]overlay=x=1280-overlay_w-16:y=main_h-overlay_h-16:eof_action=pass:enable='between(t,0.000,12.000)'[v5]",
    '[v5]format=yuv420p[v6]',
  ].join(';'), 'a 15 fps clock while something moves, a tick after and in the last second; elsewhere one tick per frame of the renderer')
  t.equal(after(args, '-qp'), '23', 'a moving picture at a constant quantizer')
  t.notOk(args.includes('-crf'), 'which spares x264 measuring every frame first')
})

t.test('cameras beside the content while they are on: the frames leave the column, the screenshare fits the content either way', async (t) => {
  const plan: RenderPlan = {
    ...base, column: 'cameras', audio: '/w/webcams.mp4',
    deskshare: { file: '/w/deskshare.mp4', intervals: [{ start: 0, stop: 60 }] }, webcam: { file: '/w/webcams.mp4', layout: 'side', on: [{ start: 10, stop: 20 }] },
  }
  t.equal(after(buildVideoCommand(plan, '/tmp/w/picture.mp4'), '-filter_complex'), [
    '[0:v]fps=15[v0]',
    "[v0]select='if(eq(pos,ld(0)),between(t,0.000,60.100)+between(t,10.000,20.100)+between(t,59.000,60.000),st(0,pos)+1)'[v1]",
    '[1:v]split[deskfull][deskside]',
    '[deskfull]scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:black,setsar=1[desk]',
    '[deskside]scale=960:720:force_original_aspect_ratio=decrease,pad=960:720:(ow-iw)/2:(oh-ih)/2:black,setsar=1[desknarrow]',
    "[v1][desk]overlay=0:0:eof_action=pass:enable='(between(t,0.000,60.000))*not(between(t,10.000,20.000))'[v5]",
    "[v5][desknarrow]overlay=0:0:eof_action=pass:enable='(between(t,0.000,60.000))*(between(t,10.000,20.000))'[v6]",
    '[2:v]scale=320:-2,setsar=1[cam]',
    "[v6][cam]overlay=x=960:y=0:eof_action=pass:enable='between(t,10.000,20.000)'[v8]",
    '[v8]format=yuv420p[v9]',
  ].join(';'), 'a screenshare the whole time: every tick goes on')
  const allAlong = after(buildVideoCommand({ ...plan, webcam: { ...plan.webcam!, on: [{ start: 0, stop: 60 }] } }, '/tmp/w/picture.mp4'), '-filter_complex')
  t.notMatch(allAlong, 'split', 'cameras on from start to end: the screenshare is scaled once')
  t.match(allAlong, "[1:v]scale=960:720:force_original_aspect_ratio=decrease,pad=960:720:(ow-iw)/2:(oh-ih)/2:black,setsar=1[desk];[v1][desk]overlay=0:0:eof_action=pass:enable='between(t,0.000,60.000)'", 'beside the cameras')
  const fill = buildVideoCommand({ ...base, audio: '/w/webcams.mp4', webcam: { file: '/w/webcams.mp4', layout: 'fill', on: [{ start: 0, stop: 60 }] } }, '/tmp/w/picture.mp4')
  t.match(after(fill, '-filter_complex'), '[1:v]scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:black,setsar=1[cam]', 'cameras only: they fill the frame')
})

t.test('captions become mov_text tracks with ISO 639-2 languages', async (t) => {
  const args = buildMuxCommand({ ...base, captions: [{ file: '/c/caption_fr.vtt', language: 'fr', title: 'Français' }, { file: '/c/caption_pt-BR.vtt', language: 'pt-BR', title: 'Português' }] }, '/w/p.mp4', '/w/s.m4a')
  t.same(maps(args), ['0:v:0', '1:a:0', '2:s:0', '3:s:0'])
  t.equal(after(args, '-c:s:1'), 'mov_text')
  t.ok(args.includes('language=fra') && args.includes('language=por') && args.includes('title=Français'))
  t.equal(captionLanguage('xx'), 'und')
})

t.test('interval expressions and the webcam sampling commands', async (t) => {
  t.equal(betweenExpression([]), '0')
  const keyframes = buildCameraSampleCommand('/w/webcams.webm', 'keyframes')
  t.equal(keyframes[keyframes.indexOf('-skip_frame') + 1], 'nokey', 'only keyframes are decoded')
  t.same(keyframes.slice(keyframes.indexOf('-threads'), keyframes.indexOf('-threads') + 2), ['-threads', '1'], 'on one thread')
  t.ok(keyframes.indexOf('-threads') < keyframes.indexOf('-i'), 'a decoder option')
  t.equal(keyframes[keyframes.indexOf('-vf') + 1], 'scale=16:16,format=gray')
  const listing = buildKeyframeTimesCommand('/w/webcams.webm')
  t.equal(listing[listing.indexOf('-show_entries') + 1], 'packet=pts_time,flags', 'keyframes listed from the packets')
  t.notOk(listing.includes('-skip_frame') || listing.some((a) => a.startsWith('frame')), 'without decoding them')
  const spaced = buildCameraSampleCommand('/w/webcams.webm', 2)
  t.notOk(spaced.includes('-skip_frame'))
  t.equal(spaced[spaced.indexOf('-vf') + 1], 'fps=1/2:round=down,scale=16:16,format=gray', 'or one frame every 2 s')
})
