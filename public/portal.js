// Progressive enhancement of "Mes vidéos externes": every action also works without this file.
'use strict'

document.addEventListener('DOMContentLoaded', () => {
  // Inside Pod's frame (?embed=1), the portal's own links keep the page without its header.
  if (document.body.classList.contains('embed')) {
    for (const link of document.querySelectorAll('a[href^="/"]:not([target])')) {
      const url = new URL(link.href)
      url.searchParams.set('embed', '1')
      link.href = url.pathname + url.search + url.hash
    }
  }

  const table = document.querySelector('table.recordings')
  if (!table) return

  // "Select all" only makes sense with JavaScript, so it is shown by it.
  const all = document.getElementById('select-all')
  if (all) {
    all.hidden = false
    all.addEventListener('change', () => {
      for (const box of table.querySelectorAll('tbody input[name="ids"]')) box.checked = all.checked
    })
  }

  // Live status: rows with an import under way are fetched again, as rendered by the server.
  const back = location.pathname + location.search
  const poll = async () => {
    const live = [...table.querySelectorAll('tbody tr[data-live]')].map((row) => row.dataset.id)
    if (!live.length) return
    try {
      const response = await fetch(`/recordings/rows?ids=${live.join(',')}&back=${encodeURIComponent(back)}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      if (response.ok) {
        const { rows } = await response.json()
        for (const { id, html } of rows) {
          const old = document.getElementById(`rec-${id}`)
          if (!old) continue
          const checked = old.querySelector('input[name="ids"]')?.checked
          const focused = old.contains(document.activeElement)
          const body = document.createElement('tbody')
          body.innerHTML = html
          const fresh = body.firstElementChild
          // Unchanged rows stay; a row holding the keyboard focus is never pulled away.
          if (focused || old.querySelector('.status')?.textContent === fresh.querySelector('.status')?.textContent) continue
          fresh.querySelector('input[name="ids"]').checked = Boolean(checked)
          old.replaceWith(fresh)
        }
      }
    } catch { /* the next round tries again */ }
    setTimeout(poll, 3000)
  }
  setTimeout(poll, 3000)
})
