import { SANDBOX_CREDENTIALS } from './credentials';
import type { SandboxConsultation, SandboxProvider, SandboxRoom } from './models';

/** The room's two visit types, one per provider slot length (15 and 30 minutes). */
export const SEEDED_CONSULTATIONS: readonly SandboxConsultation[] = [
  { id: '1', description: 'Consultation (15 min)', duration: 15 },
  { id: '2', description: 'Consultation (30 min)', duration: 30 },
];

/** The one waiting room every sandbox starts with; its code is `SANDBOX_CREDENTIALS.roomCode`. */
export function seedRoom(consultations: readonly SandboxConsultation[] = SEEDED_CONSULTATIONS): SandboxRoom {
  return {
    consultations: consultations.map((c) => ({ ...c })),
    id: '301',
    code: SANDBOX_CREDENTIALS.roomCode,
    slug: 'sandbox',
    name: 'Sandbox Clinic',
    description: 'A local stand-in for a VSee Clinic waiting room.',
  };
}

/** Two providers with different slot lengths, so clients meet both 30- and 15-minute slots. */
export function seedProviders(): SandboxProvider[] {
  const room = SANDBOX_CREDENTIALS.roomCode;
  return [
    {
      id: '501',
      code: 'a0000000000000000000000000000501',
      username: 'b0000000000000000000000000000501',
      first_name: 'Avery',
      last_name: 'Sandbox',
      title: 'Dr.',
      suffix: 'MD',
      short_bio: 'Seeded sandbox provider (30-minute slots).',
      roomCode: room,
      slotMinutes: 30,
    },
    {
      id: '502',
      code: 'a0000000000000000000000000000502',
      username: 'b0000000000000000000000000000502',
      first_name: 'Jordan',
      last_name: 'Example',
      title: '',
      suffix: 'NP',
      short_bio: 'Seeded sandbox provider (15-minute slots).',
      roomCode: room,
      slotMinutes: 15,
    },
  ];
}
