/** One email ready for the outbox: a plain-text part, a simple HTML part, an optional calendar file. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** An iCalendar file attached as `appointment.ics`. */
  calendar?: string;
}

/** What a message says, in plain paragraphs and at most one button; both parts are made from it. */
export interface EmailContent {
  to: string;
  subject: string;
  /** Signs the message and heads the HTML part. */
  clinicName: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Leads the button's address in the HTML part ("Or copy this address into your browser:"). */
  copyLinkHint: string;
  /** Small print under the button (e.g. "This link works once, for 30 minutes"). */
  footnotes?: string[];
  calendar?: string;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Builds both parts from the same words, so the text part is never an afterthought. */
export function composeEmail(content: EmailContent): EmailMessage {
  const { action, footnotes = [] } = content;
  const text = [
    content.greeting,
    ...content.paragraphs,
    ...(action ? [`${action.label}: ${action.url}`] : []),
    ...footnotes,
    `— ${content.clinicName}`,
  ].join('\n\n');
  const p = (line: string) => `<p>${escapeHtml(line)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;max-width:36em">',
    `<h1 style="font-size:1.25em">${escapeHtml(content.clinicName)}</h1>`,
    p(content.greeting),
    ...content.paragraphs.map(p),
    ...(action
      ? [
          `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:.6em 1.2em;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(action.label)}</a></p>`,
          `<p style="font-size:.9em">${escapeHtml(content.copyLinkHint)} ${escapeHtml(action.url)}</p>`,
        ]
      : []),
    ...footnotes.map((line) => `<p style="font-size:.9em;color:#555">${escapeHtml(line)}</p>`),
    `<p>— ${escapeHtml(content.clinicName)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to: content.to, subject: content.subject, text: `${text}\n`, html, calendar: content.calendar };
}
