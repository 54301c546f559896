import type { Config } from '../config';
import type { Db } from '../db/connection';
import type { Logger } from '../web/logger';
import { clinicName } from './clinic-name';
import type { EmailMessage } from './compose';
import type { Sender } from './messages';
import { enqueueEmail } from './outbox';

/**
 * What handlers use to send email: messages go into the outbox (one INSERT) and the background
 * sender delivers them. A failure to queue is logged and swallowed: a booking or a sign-up that
 * succeeded is not turned into an error page because of its email.
 */
export class Mailer {
  readonly sender: Sender;
  readonly requireVerifiedEmail: boolean;
  readonly reminderOffsetsMinutes: number[];

  constructor(
    private readonly db: Db,
    config: Config,
    private readonly logger: Logger,
  ) {
    this.sender = { clinicName: clinicName(config), publicUrl: config.publicUrl };
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
