/**
 * The sample server's player page: the real BBB serves its React player there; the demo serves a
 * small one, so that "Prévisualiser" plays the lecture (its slides in time with its sound).
 */
export function samplePlayerPage(recordId: string): string {
  const base = `/presentation/${recordId}`
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Recording Playback</title>
<style>body{margin:0;font-family:system-ui,sans-serif;background:#222;color:#eee}main{max-width:960px;margin:auto;padding:1rem}img{width:100%;background:#fff;aspect-ratio:16/9}audio{width:100%;margin-top:.5rem}</style></head>
<body><div id="root"><main>
<img id="slide" alt="">
<audio id="sound" controls preload="metadata" src="${base}/audio/audio.webm"></audio>
</main></div>
<script>
(async () => {
  const svg = new DOMParser().parseFromString(await (await fetch('${base}/shapes.svg')).text(), 'image/svg+xml')
  const slides = [...svg.querySelectorAll('image.slide')].map((i) => ({ from: Number(i.getAttribute('in')), to: Number(i.getAttribute('out')), src: '${base}/' + i.getAttribute('xlink:href') }))
  const img = document.getElementById('slide')
  const show = (t) => { const s = slides.find((x) => t >= x.from && t < x.to) || slides[0]; if (s && !img.src.endsWith(s.src)) img.src = s.src }
  document.getElementById('sound').addEventListener('timeupdate', (e) => show(e.target.currentTime))
  show(0)
})()
</script></body></html>`
}
