import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a loopback port that keeps every message it receives, parsed. */
export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** Raw messages as received (for canary checks over every byte). */
  raw: string[];
  /** Resolves once `count` messages have arrived in total (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Makes the next `n` deliveries fail with a temporary error (451). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const raw: string[] = [];
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          const error = Object.assign(new Error('try again later'), { responseCode: 451 });
          return callback(error);
        }
        const text = Buffer.concat(chunks).toString('utf8');
        simpleParser(text).then((mail) => {
          raw.push(text);
          received.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    raw,
    async waitFor(count, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} emails, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return received.slice(0, count);
    },
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first portal link in a message's text part that starts with `prefix` (e.g. `/password/reset/`). */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const match = new RegExp(`https?://[^\\s]+${prefix.replace(/\//g, '\\/')}[^\\s]*`).exec(mail.text ?? '');
  if (!match) throw new Error(`no ${prefix} link in "${mail.subject}"`);
  return match[0];
}

/** The first message to `address` whose subject matches, waiting for it to arrive (15 s at most). */
export async function mailTo(smtp: TestSmtp, address: string, subject: RegExp): Promise<ParsedMail> {
  const until = Date.now() + 15_000;
  for (;;) {
    const found = smtp.received.find(
      (m) => m.to && JSON.stringify(m.to).includes(address) && subject.test(m.subject ?? ''),
    );
    if (found) return found;
    if (Date.now() > until) throw new Error(`no email "${subject}" to ${address}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
