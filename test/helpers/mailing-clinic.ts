import { Mailer } from '../../src/email/mailer';
import { OutboxSender } from '../../src/email/sender';
import { smtpTransport } from '../../src/email/transport';
import { ReminderScheduler } from '../../src/reminders/scheduler';
import type { SandboxOptions } from '../../src/sandbox';
import { type ClinicHarness, startClinic } from './clinic';
import { testConfig } from './portal';
import { startTestSmtp, type TestSmtp } from './smtp';

export interface MailingClinic {
  h: ClinicHarness;
  smtp: TestSmtp;
  /** Delivers the outbox to `smtp` every 50 ms, as the runtime's sender does. */
  sender: OutboxSender;
  /** Run by hand (`runOnce(at)`), so a test chooses the moment a reminder is due. */
  scheduler: ReminderScheduler;
  close(): Promise<void>;
}

/**
 * A clinic whose email really leaves: the portal on the sandbox, a real SMTP server, the outbox
 * sender running and a reminder scheduler. Verification is off, so a sign-up can book at once.
 */
export async function startMailingClinic(options: {
  publicUrl: string;
  sandbox?: SandboxOptions;
}): Promise<MailingClinic> {
  const smtp = await startTestSmtp();
  const config = testConfig({
    SMTP_URL: smtp.url,
    PUBLIC_URL: options.publicUrl,
    REQUIRE_VERIFIED_EMAIL: 'off',
  });
  const h = await startClinic({ config, sandbox: options.sandbox });
  const sender = new OutboxSender(h.testDb.db, smtpTransport(smtp.url), config.mail.from, h.logger, {
    pollMs: 50,
  });
  sender.start();
  const scheduler = new ReminderScheduler(h.testDb.db, new Mailer(h.testDb.db, config, h.logger), h.logger);
  return {
    h,
    smtp,
    sender,
    scheduler,
    close: async () => {
      await sender.stop();
      await smtp.close();
      await h.close();
    },
  };
}
