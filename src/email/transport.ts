import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { EmailMessage } from './compose';

/** Delivers one message or throws; the outbox sender decides about retries. */
export interface MailTransport {
  send(from: string, message: EmailMessage): Promise<void>;
  close(): void;
  /** Where messages go, for the one log line at start (never the SMTP password). */
  readonly description: string;
}

function mailOptions(from: string, message: EmailMessage) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    ...(message.calendar
      ? {
          attachments: [
            {
              filename: 'appointment.ics',
              content: message.calendar,
              contentType: 'text/calendar; charset=utf-8',
            },
          ],
        }
      : {}),
  };
}

/** SMTP through nodemailer: pooled connections, STARTTLS when the server offers it, timeouts kept short. */
export function smtpTransport(smtpUrl: string): MailTransport {
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    description: `SMTP ${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`,
    async send(from, message) {
      await transporter.sendMail(mailOptions(from, message));
    },
    close: () => transporter.close(),
  };
}

let fileCounter = 0;

/**
 * The development outbox: each message becomes an `.eml` file (open it in any mail program) and
 * nothing leaves the machine. Never used in production (config refuses to start without SMTP_URL).
 */
export function fileOutboxTransport(directory: string): MailTransport {
  const dir = resolve(directory);
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `the development outbox: .eml files in ${dir}`,
    async send(from, message) {
      const info = await transporter.sendMail(mailOptions(from, message));
      await mkdir(dir, { recursive: true });
      fileCounter += 1;
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${fileCounter}.eml`;
      await writeFile(join(dir, name), info.message as Buffer, { mode: 0o600 });
    },
    close: () => transporter.close(),
  };
}

/** SMTP when SMTP_URL is set, otherwise the development outbox in `outboxDir`. */
export function createMailTransport(smtpUrl: string | undefined, outboxDir: string): MailTransport {
  return smtpUrl ? smtpTransport(smtpUrl) : fileOutboxTransport(outboxDir);
}
