import type { VisitView } from '../clinic/view-models';
import { html, type SafeHtml } from './html';

/** The facts every visit page shows, each with a test id a test can read. */
function visitFacts(v: VisitView): SafeHtml {
  return html`<dl>
    <dt>Visit</dt>
    <dd data-testid="visit-id">${v.id}</dd>
    <dt>Kind</dt>
    <dd data-testid="visit-kind">${v.kind}</dd>
    <dt>Status</dt>
    <dd>
      <span data-testid="visit-status">${v.status}</span> (<span data-testid="visit-status-code"
        >${v.statusCode}</span
      >)
    </dd>
    <dt>Patient</dt>
    <dd data-testid="patient-name">${v.patientName}</dd>
    <dt>Provider</dt>
    <dd data-testid="provider-name">${v.providerName}</dd>
    <dt>Starts (UTC)</dt>
    <dd data-testid="visit-start">${v.start}</dd>
    <dt>Join code</dt>
    <dd data-testid="join-code">${v.code}</dd>
  </dl>`;
}

/** `u/clinic`: the patient's visits and their statuses. */
export function dashboardBody(visits: VisitView[], clinicPrefix: string): SafeHtml {
  if (visits.length === 0) return html`<p data-testid="no-visits">You have no visits yet.</p>`;
  const rows = visits.map(
    (v) =>
      html`<tr data-testid="visit-row" data-visit-id="${v.id}">
        <td>${v.id}</td>
        <td>${v.kind}</td>
        <td>${v.status}</td>
        <td>${v.providerName}</td>
        <td>${v.start}</td>
        <td><a href="${clinicPrefix}visits/start/${v.id}">Open visit room</a></td>
      </tr>`,
  );
  return html`<table>
    <thead>
      <tr>
        <th>Visit</th>
        <th>Kind</th>
        <th>Status</th>
        <th>Provider</th>
        <th>Starts (UTC)</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** `visits/start/:id`: the stand-in for the video visit. */
export function visitRoomBody(v: VisitView): SafeHtml {
  return html`<p>
      This is where the video call would be. The page reloads every few seconds so you can watch the provider
      move the visit through its statuses in the provider console.
    </p>
    ${visitFacts(v)}`;
}

/** `members/appointment/:id?token=`: the appointment page a one-time link opens. */
export function appointmentBody(v: VisitView, startHref: string | null): SafeHtml {
  const start = startHref
    ? html`<p><a data-testid="start-visit" href="${startHref}">Start visit</a></p>`
    : html`<p data-testid="start-not-yet">The Start button opens 15 minutes before the appointment.</p>`;
  return html`${visitFacts(v)}${start}`;
}

/** `visits/join/:code`: the page an invited guest lands on. */
export function joinBody(v: VisitView): SafeHtml {
  return html`<p>You were invited to join this visit as a guest.</p>
    ${visitFacts(v)}`;
}

/** Any refusal: what went wrong in plain words. */
export function messageBody(message: string): SafeHtml {
  return html`<p class="error" data-testid="error-message">${message}</p>`;
}
