import type { Config } from '../config';
import type { Db } from '../db/connection';
import type { Logger } from '../web/logger';
import type { EmailMessage } from './compose';
import { EmailLanguages } from './email-language';
import type { Sender } from './messages';
import { enqueueEmail } from './outbox';

/**
 * What handlers use to send email: messages go into the outbox (one INSERT) and the background
 * sender delivers them. A failure to queue is logged and swallowed: a booking or a sign-up that
 * succeeded is not turned into an error page because of its email.
 */
export class Mailer {
  readonly sender: Sender;
  /** Each email's language: the account's choice, else the request's, else DEFAULT_LANGUAGE. */
  readonly languages: EmailLanguages;
  readonly requireVerifiedEmail: boolean;
  readonly reminderOffsetsMinutes: number[];

  constructor(
    private readonly db: Db,
    config: Config,
    private readonly logger: Logger,
  ) {
    this.sender = { publicUrl: config.publicUrl };
    this.languages = new EmailLanguages(config.portal);
    this.requireVerifiedEmail = config.mail.requireVerifiedEmail;
    this.reminderOffsetsMinutes = config.mail.reminderOffsetsMinutes;
  }

  /** Queues a message; never throws. */
  async queue(message: EmailMessage, kind: string): Promise<void> {
    try {
      await enqueueEmail(this.db, message);
    } catch (error) {
      this.logger.error({ kind, error: error instanceof Error ? error.name : 'Error' }, 'email not queued');
    }
  }
}
