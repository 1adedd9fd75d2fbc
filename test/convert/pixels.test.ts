import t from 'tap'
import { clearRect, intersection, layerOver, rgbaToI420 } from '../../src/convert/pixels.ts'

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

t.test('a layer laid within a clip changes nothing outside it; a cleared rectangle is transparent', async (t) => {
  const width = 4, height = 4
  const opaqueRed = Buffer.from(Array.from({ length: 9 }, () => [255, 0, 0, 255]).flat())
  const bottom = Buffer.alloc(width * height * 4)
  layerOver(bottom, width, opaqueRed, 3, 3, 1, 1, { x: 2, y: 0, w: 2, h: 3 })
  const red = (x: number, y: number) => bottom[(y * width + x) * 4 + 3] === 255
  const painted = Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => (red(x, y) ? 'R' : '.')).join(''))
  t.same(painted, ['....', '..RR', '..RR', '....'], 'the 3×3 square at (1, 1), only where it meets the clip')
  clearRect(bottom, width, { x: 3, y: 1, w: 1, h: 2 })
  t.same([red(2, 1), red(3, 1), red(3, 2)], [true, false, false])
  t.same(intersection({ x: 0, y: 0, w: 4, h: 4 }, { x: 2, y: 3, w: 5, h: 5 }), { x: 2, y: 3, w: 2, h: 1 })
  t.equal(intersection({ x: 0, y: 0, w: 2, h: 2 }, { x: 2, y: 0, w: 2, h: 2 }), undefined, 'touching edges share nothing')
})
