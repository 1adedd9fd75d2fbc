import { createHash } from 'node:crypto'
import type { FakeRecording } from './fake-bbb-xml.ts'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')
const courses = ['Algèbre linéaire', 'Droit des contrats', 'Chimie organique', 'Histoire moderne', 'Anglais B2', 'Réseaux & systèmes']

/**
 * Recordings shaped like a university's real ones: Moodle activities (metadata of
 * mod_bigbluebuttonbn, meetingID `<seed>-<course>-<instance>[<group>]`) and Greenlight rooms,
 * each with a presentation and a second format. Deterministic: recording i is always the same.
 */
export function syntheticRecording(i: number, baseUrl = 'https://bbb.example.edu'): FakeRecording {
  const moodle = i % 3 !== 2
  const course = (i % 997) + 2
  const meetingId = moodle ? `${sha1(`seed${course}`)}-${course}-${(i % 89) + 10}[0]` : sha1(`room${i % 1511}`)
  const startTime = Date.UTC(2023, 0, 1) + i * 3_600_000 + (i % 7) * 60_000
  const recordId = `${sha1(meetingId)}-${startTime}`
  const minutes = 20 + (i % 100)
  const title = `${courses[i % courses.length]} — séance ${(i % 24) + 1}`
  const metadata: Record<string, string> = moodle
    ? {
        'bbb-origin': 'Moodle', 'bbb-origin-version': '4.1.9 (Build: 20240212)', 'bbb-origin-server-name': `moodle${i % 2}.univ.example`,
        'bbb-origin-server-common-name': '', 'bbb-origin-tag': 'moodle-mod_bigbluebuttonbn (2022112800)',
        'bbb-context': `${courses[i % courses.length]} L${(i % 3) + 1}`, 'bbb-context-id': String(course),
        'bbb-context-name': `${courses[i % courses.length]} L${(i % 3) + 1}`, 'bbb-context-label': `UE${course}`,
        'bbb-recording-name': title, 'bbb-recording-description': 'Cours <b>magistral</b> & TD', 'bbb-recording-tags': '',
        'bbb-meeting-size-hint': String(30 + (i % 200)), isBreakout: 'false', meetingId, meetingName: title,
      }
    : {
        'bbb-origin': 'greenlight', 'bbb-origin-version': '3', 'bbb-origin-server-name': 'greenlight.univ.example',
        'bbb-recording-ready-url': 'https://greenlight.univ.example/recording_ready', 'gl-listed': 'false',
        isBreakout: 'false', meetingId, meetingName: `Salle ${i % 1511}`,
      }
  return {
    recordId, meetingId, name: moodle ? title : `Salle ${i % 1511}`, published: i % 10 !== 9, state: i % 10 !== 9 ? 'published' : 'unpublished',
    startTime, endTime: startTime + minutes * 60_000, participants: 5 + (i % 40), rawSize: 50_000_000 + i, metadata,
    formats: [
      {
        type: 'presentation', url: `${baseUrl}/playback/presentation/2.3/${recordId}`, processingTime: 60_000, length: minutes, size: 3_000_000 + i,
        previews: [1, 2, 3].map((n) => ({ url: `${baseUrl}/presentation/${recordId}/presentation/${sha1(`p${i}`)}-${startTime}/thumbnails/thumb-${n}.png`, width: 176, height: 136, alt: `Diapositive ${n}` })),
      },
      i % 2 ? { type: 'video', url: `${baseUrl}/playback/video/${recordId}/`, processingTime: 300_000, length: minutes, size: 90_000_000 + i }
        : { type: 'podcast', url: `${baseUrl}/podcast/${recordId}/audio.ogg`, processingTime: 20_000, length: minutes, size: 9_000_000 + i },
    ],
  }
}

export function syntheticRecordings(count: number, baseUrl?: string): FakeRecording[] {
  return Array.from({ length: count }, (_, i) => syntheticRecording(i, baseUrl))
}
