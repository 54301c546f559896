import { html, type SafeHtml } from './html';

export interface PageFrame {
  title: string;
  /** Who the page believes is logged in, stated on every page ("Guest", a patient's name, …). */
  who: string;
  /** Where the sandbox's navigation links point; null hides it (`disable_navigation=1`). */
  nav: { clinicPrefix: string } | null;
  body: SafeHtml;
  /** Seconds between automatic reloads, so a waiting patient sees the provider's status changes. */
  refreshSeconds?: number;
}

/** The frame of every sandbox page: no scripts, a banner that says this is not VSee, who is logged in. */
export function layout(frame: PageFrame): string {
  const nav = frame.nav
    ? html`<nav data-testid="sandbox-nav">
        <a href="${frame.nav.clinicPrefix}u/clinic">My visits</a> ·
        <a href="${frame.nav.clinicPrefix}providers/dashboard">Provider console</a>
      </nav>`
    : '';
  const refresh = frame.refreshSeconds
    ? html`<meta http-equiv="refresh" content="${frame.refreshSeconds}" />`
    : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${refresh}
        <title>${frame.title} · VSee sandbox</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/_sandbox/sandbox.css" />
      </head>
      <body>
        <header>
          <p class="banner">VSee sandbox — a local stand-in for VSee Clinic, not the real service.</p>
          <p>Logged in as: <strong data-testid="logged-in-as">${frame.who}</strong></p>
          ${nav}
        </header>
        <main>
          <h1 data-testid="page-title">${frame.title}</h1>
          ${frame.body}
        </main>
      </body>
    </html> `.value;
}

/** A few readable defaults; served as a file because the pages' CSP forbids inline styles. */
export const SANDBOX_CSS = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.5}
.banner{background:#fff4cc;border:1px solid #e0c060;padding:.3rem .6rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
form{display:inline}dt{font-weight:bold}.error{color:#a00}
`;
