import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { calendarFile, foldLine } from '../../../src/clinic/ics';
import { composeEmail } from '../../../src/email/compose';
import { fileOutboxTransport } from '../../../src/email/transport';

describe('calendar file', () => {
  const event = {
    uid: 'appointment-7-20261201120000@portal.example.test',
    start: 1_800_000_000,
    end: 1_800_000_900,
    summary: 'Video appointment with the clinic',
    description: `With Dr. Zoë Ångström-Müller, ${'a long description that goes on '.repeat(4)}`,
    url: 'https://portal.example.test/appointments/7',
    alarmMinutes: 60,
  };

  it('folds every line at 75 octets without splitting a UTF-8 character, and unfolds to the original', () => {
    const line = `DESCRIPTION:${'é'.repeat(100)}`;
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
  });

  it('has an alarm, the portal link as URL and the unique UID; a cancelled one says METHOD:CANCEL', () => {
    const ics = calendarFile(event);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('METHOD:PUBLISH');
    expect(unfolded).toContain('BEGIN:VALARM\r\nACTION:DISPLAY');
    expect(unfolded).toContain('TRIGGER:-PT60M');
    expect(unfolded).toContain('URL:https://portal.example.test/appointments/7');
    expect(unfolded).toContain(`UID:${event.uid}`);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);

    const cancelled = calendarFile({ ...event, cancelled: true });
    expect(cancelled).toContain('METHOD:CANCEL');
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).not.toContain('VALARM');
  });
});

describe('the development outbox', () => {
  it('writes each message as an .eml file with a text part, an HTML part and the calendar file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outbox-'));
    try {
      const transport = fileOutboxTransport(dir);
      expect(transport.description).toContain(dir);
      const message = composeEmail({
        to: 'ada@example.test',
        subject: 'Hello <there>',
        clinicName: 'Acme & Co Clinic',
        greeting: 'Hello Ada,',
        paragraphs: ['One <b>line</b>.'],
        action: { label: 'Open', url: 'https://portal.example.test/x?a=1&b=2' },
        copyLinkHint: 'Or copy this address:',
        calendar: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
      });
      await transport.send('"Acme" <no-reply@acme.test>', message);
      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const mail = await simpleParser(await readFile(join(dir, files[0]!)));
      expect(mail.subject).toBe('Hello <there>');
      expect(mail.text).toContain('Open: https://portal.example.test/x?a=1&b=2');
      expect(mail.html).toContain('Acme &amp; Co Clinic');
      expect(mail.html).toContain('One &lt;b&gt;line&lt;/b&gt;.');
      expect(mail.html).toContain('href="https://portal.example.test/x?a=1&amp;b=2"');
      expect(mail.attachments[0]?.filename).toBe('appointment.ics');
      transport.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
