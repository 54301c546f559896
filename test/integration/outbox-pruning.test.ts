import { composeEmail } from '../../src/email/compose';
import { enqueueEmail, markFailed, markSent, pruneOutbox } from '../../src/email/outbox';
import { OutboxSender } from '../../src/email/sender';
import { smtpTransport } from '../../src/email/transport';
import { createLogger } from '../../src/web/logger';
import { openTestDb, testDbKinds, type TestDb } from '../helpers/databases';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';

const DAY = 86_400_000;
const RETENTION = 30 * DAY;

describe.each(testDbKinds())('the outbox forgets old emails (%s)', (kind) => {
  let testDb: TestDb;
  let smtp: TestSmtp;
  beforeAll(async () => {
    [testDb, smtp] = await Promise.all([openTestDb(kind), startTestSmtp()]);
  });
  afterAll(async () => {
    await smtp.close();
    await testDb.close();
  });
  beforeEach(() => testDb.db.deleteFrom('outbox').execute());

  type State = 'sent' | 'failed' | 'retrying' | 'due';

  /** A row for `to`, queued `ageMs` ago and, unless `due`, sent or failed then too. */
  async function row(to: string, state: State, ageMs: number): Promise<void> {
    const at = new Date(Date.now() - ageMs);
    const message = composeEmail({
      to: `${to}@example.test`,
      clinicName: 'Clinic',
      subject: to,
      greeting: 'Hello,',
      paragraphs: ['A test message.'],
      copyLinkHint: 'Or copy this address:',
    });
    await enqueueEmail(testDb.db, message, at);
    const { id } = await testDb.db
      .selectFrom('outbox')
      .select('id')
      .where('subject', '=', to)
      .executeTakeFirstOrThrow();
    if (state === 'sent') await markSent(testDb.db, id, at);
    if (state === 'failed') await markFailed(testDb.db, id, 8, '550', undefined, at);
    if (state === 'retrying') await markFailed(testDb.db, id, 3, '451', new Date(Date.now() + DAY), at);
  }
  const left = async () =>
    (await testDb.db.selectFrom('outbox').select('subject').orderBy('subject').execute()).map(
      (r) => r.subject,
    );

  it('deletes rows delivered or given up on before the cutoff, at most `limit` a call; keeps the rest', async () => {
    await row('sent-old', 'sent', RETENTION + DAY);
    await row('failed-old', 'failed', RETENTION + DAY);
    await row('sent-recent', 'sent', RETENTION - DAY);
    await row('failed-recent', 'failed', RETENTION - DAY);
    // Queued long ago but not finished: the sender still owes these a try.
    await row('retrying-old', 'retrying', RETENTION + DAY);
    await row('due-old', 'due', RETENTION + DAY);
    const cutoff = new Date(Date.now() - RETENTION);

    expect(await pruneOutbox(testDb.db, cutoff, 1)).toBe(1);
    expect(await pruneOutbox(testDb.db, cutoff, 10)).toBe(1);
    expect(await pruneOutbox(testDb.db, cutoff, 10)).toBe(0);

    expect(await left()).toEqual(['due-old', 'failed-recent', 'retrying-old', 'sent-recent']);
  });

  it('the sender prunes in its passes: a bounded batch each, again at once while there is more, then only now and then', async () => {
    for (let i = 0; i < 5; i += 1) await row(`old-${i}`, 'sent', RETENTION + DAY);
    await row('old-failed', 'failed', RETENTION + DAY);
    await row('recent', 'sent', DAY);
    await row('new', 'due', 0);
    const sender = new OutboxSender(
      testDb.db,
      smtpTransport(smtp.url),
      '"Clinic" <no-reply@clinic.test>',
      createLogger('silent'),
      { retentionMs: RETENTION, pruneBatch: 2, pruneEveryMs: 3_600_000 },
    );
    const oldLeft = async () => (await left()).filter((s) => s.startsWith('old')).length;
    try {
      await sender.drainOnce();
      // The due message still goes out as before, and its row stays (it is not old).
      expect((await smtp.waitFor(1))[0]?.subject).toBe('new');
      expect(await oldLeft()).toBe(4);
      await sender.drainOnce();
      expect(await oldLeft()).toBe(2);
      await sender.drainOnce();
      expect(await oldLeft()).toBe(0);
      await sender.drainOnce(); // finds nothing: the backlog is done
      // Within the hour the sender does not look again, so a row that turns old now stays for now.
      await row('old-later', 'sent', RETENTION + DAY);
      await sender.drainOnce();
      expect(await left()).toEqual(['new', 'old-later', 'recent']);
    } finally {
      await sender.stop();
    }
  });
});
