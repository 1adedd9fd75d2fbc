import { Command, InvalidArgumentError, Option } from 'commander'
import { convertPlayback } from '../convert/converter.ts'
import { chatModes, type ChatMode } from '../convert/chat.ts'
import { webcamChoices, type WebcamChoice } from '../convert/layout.ts'
import { convertAllowedOrigins } from './convert-hosts.ts'

const seconds = (value: string) => {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected seconds, e.g. 90 or 12.5')
  return n
}
const onOff = (value: string) => {
  if (value !== 'on' && value !== 'off') throw new InvalidArgumentError('expected on or off')
  return value === 'on'
}

/** `bbb-portal convert`: needs no database and no configuration, only ffmpeg. */
export function convertCommand(): Command {
  return new Command('convert')
    .description('Render a BBB presentation playback (or download a video playback) to MP4, from its published files.')
    .argument('<playback>', 'playback URL (2.0, 2.3, Scalelite …/recording/<id>/presentation?token=…, …/playback/video/<id>/) of a host in CONVERT_ALLOWED_HOSTS (default: the configured BBB servers), or with --local a published folder')
    .argument('<output>', 'MP4 file to write')
    .addOption(new Option('--width <pixels>', 'output width (height is 9/16 of it)').choices(['1280', '1920']).default('1280'))
    .addOption(new Option('--webcam <layout>', 'cameras: auto (as the player: beside the content while a camera shows a picture, the whole frame when there is no content), side, pip or none (default auto)').choices(webcamChoices))
    .addOption(new Option('--layout <layout>', 'the same as --webcam').choices(webcamChoices))
    .addOption(new Option('--chat <mode>', 'the public chat and polls in a column beside the content: none, panel, or anonymous (writers named "Participant N"); chat holds students\' names').choices(chatModes).default('none'))
    .addOption(new Option('--lang <language>', 'language of the chat panel and of made-up chapter titles').choices(['fr', 'en']).default('fr'))
    .option('--cursor <on|off>', 'draw the presenter cursor', onOff, true)
    .option('--annotations <on|off>', 'draw the whiteboard annotations', onOff, true)
    .option('--from <seconds>', 'start at this second of the recording', seconds)
    .option('--to <seconds>', 'stop at this second of the recording', seconds)
    .option('--local', 'the playback is a published folder on this machine (/var/bigbluebutton/published/presentation/<id>)')
    .option('--progress', 'print progress percentages')
    .action(async (playback: string, output: string, o: { width: string; webcam?: WebcamChoice; layout?: WebcamChoice; chat: ChatMode; lang: 'fr' | 'en'; cursor: boolean; annotations: boolean; from?: number; to?: number; local?: boolean; progress?: boolean }) => {
      const started = performance.now()
      let shown = -1
      const controller = new AbortController()
      process.once('SIGINT', () => controller.abort())
      process.once('SIGTERM', () => controller.abort())
      const where = o.local ? { local: true } : { allowedOrigins: convertAllowedOrigins() }
      const result = await convertPlayback(playback, output, {
        ...where,
        width: Number(o.width) as 1280 | 1920, webcam: o.layout ?? o.webcam ?? 'auto', chat: o.chat, lang: o.lang, cursor: o.cursor, annotations: o.annotations, from: o.from, to: o.to,
        signal: controller.signal, log: { warn: (message: string) => console.error(`warning: ${message}`) },
        onProgress: o.progress ? (percent) => {
          const p = Math.floor(percent)
          if (p > shown) console.error(`progress ${(shown = p)}%`)
        } : undefined,
      })
      const wall = (performance.now() - started) / 1000
      console.log(`${result.output}: ${result.durationS.toFixed(1)} s of ${result.kind}${result.kind === 'presentation' ? `, ${result.frames} frames, webcam ${result.webcam}` : ''}, in ${wall.toFixed(1)} s (${(result.durationS / wall).toFixed(1)}× real time)`)
    })
}
