/**
 * The smallest Matroska stream ffmpeg reads as raw video with a timestamp per frame. It lets the
 * renderer send only the frames where the picture changes (variable frame rate) through a pipe:
 * rawvideo, y4m and image pipes all assume a constant rate.
 */

function vint(size: number): Buffer {
  // 8-byte size marker: large enough for any frame, and simple.
  const out = Buffer.alloc(8)
  out[0] = 0x01
  out.writeUIntBE(Math.floor(size / 2 ** 32), 1, 3)
  out.writeUInt32BE(size >>> 0, 4)
  return out
}

function id(value: number): Buffer {
  const hex = value.toString(16)
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')
}

function element(elementId: number, payload: Buffer): Buffer {
  return Buffer.concat([id(elementId), vint(payload.length), payload])
}

function uint(elementId: number, value: number): Buffer {
  const payload = Buffer.alloc(8)
  payload.writeBigUInt64BE(BigInt(value))
  return element(elementId, payload)
}

const str = (elementId: number, value: string) => element(elementId, Buffer.from(value, 'ascii'))
const UNKNOWN_SIZE = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])

/** EBML header, an open-ended Segment, Info (1 ms ticks) and one raw I420 (yuv420p) video track. */
export function mkvHeader(width: number, height: number): Buffer {
  const ebml = element(0x1a45dfa3, Buffer.concat([
    uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), str(0x4282, 'matroska'), uint(0x4287, 4), uint(0x4285, 2),
  ]))
  const info = element(0x1549a966, Buffer.concat([uint(0x2ad7b1, 1_000_000), str(0x4d80, 'bbb-portal'), str(0x5741, 'bbb-portal')]))
  const video = element(0xe0, Buffer.concat([uint(0xb0, width), uint(0xba, height), element(0x2eb524, Buffer.from('I420', 'ascii'))]))
  // DefaultDuration (100 ms, BBB's resolution) gives the last frame a length: without it ffmpeg
  // guesses one from the first frames' spacing and the output overruns by up to seconds.
  const track = element(0xae, Buffer.concat([uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 1), uint(0x23e383, 100_000_000), str(0x86, 'V_UNCOMPRESSED'), uint(0x9c, 0), video]))
  const tracks = element(0x1654ae6b, track)
  return Buffer.concat([ebml, id(0x18538067), UNKNOWN_SIZE, info, tracks])
}

/** What precedes a frame's pixels: a Cluster at `ms` holding one keyframe SimpleBlock. */
export function mkvFrameHeader(ms: number, frameBytes: number): Buffer {
  const blockHeader = Buffer.from([0x81, 0x00, 0x00, 0x80])
  const simpleBlock = Buffer.concat([id(0xa3), vint(blockHeader.length + frameBytes), blockHeader])
  const timestamp = uint(0xe7, Math.round(ms))
  return Buffer.concat([id(0x1f43b675), vint(timestamp.length + simpleBlock.length + frameBytes), timestamp, simpleBlock])
}
