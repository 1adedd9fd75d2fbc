import t from 'tap'
import { rgbaToI420 } from '../../src/convert/pixels.ts'

t.test('RGBA to I420 matches ffmpeg (BT.601, limited range)', async (t) => {
  const pixels = (rgb: number[]) => Buffer.from(Array.from({ length: 4 }, () => [...rgb, 255]).flat())
  const yuv = (rgb: number[]) => [...rgbaToI420(pixels(rgb), 2, 2)]
  // What ffmpeg -f lavfi -i color=<colour>:s=2x2 -pix_fmt yuv420p gives, but for rounding (its red has Y 81).
  t.same(yuv([255, 255, 255]), [235, 235, 235, 235, 128, 128])
  t.same(yuv([0, 0, 0]), [16, 16, 16, 16, 128, 128])
  t.same(yuv([255, 0, 0]), [82, 82, 82, 82, 90, 240])
  t.same(yuv([0, 0, 255]), [41, 41, 41, 41, 240, 110])
  const mixed = rgbaToI420(Buffer.from([255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255]), 2, 2)
  t.same([...mixed], [235, 16, 16, 235, 128, 128], 'luma per pixel, chroma averaged over the 2×2 block')
})
