import type { VisitView } from '../clinic/view-models';
import { html, type SafeHtml } from './html';

export interface ConsoleRow {
  visit: VisitView;
  /** Actions allowed in the visit's current status. */
  actions: { name: string; label: string }[];
}

/** The provider console: every visit, with a form per allowed action. */
export function providerConsoleBody(
  rows: ConsoleRow[],
  providers: { id: string; name: string }[],
  clinicPrefix: string,
  notice: string | null,
): SafeHtml {
  const options = providers.map((p) => html`<option value="${p.id}">${p.name}</option>`);
  const body = rows.map(({ visit: v, actions }) => {
    const forms = actions.map(
      (a) =>
        html`<form method="post" action="${clinicPrefix}providers/visits/${v.id}/${a.name}">
          ${
            a.name === 'accept'
              ? html`<select name="provider_id" aria-label="Provider">
                  ${options}
                </select>`
              : ''
          }
          <button type="submit" data-testid="action-${a.name}-${v.id}">${a.label}</button>
        </form>`,
    );
    return html`<tr data-testid="console-row" data-visit-id="${v.id}">
      <td>${v.id}</td>
      <td>${v.kind}</td>
      <td>${v.patientName}</td>
      <td>${v.providerName}</td>
      <td data-testid="console-status-${v.id}">${v.status}</td>
      <td>${v.start}</td>
      <td>${v.reason}</td>
      <td>${forms}</td>
    </tr>`;
  });
  return html`${notice ? html`<p data-testid="notice">${notice}</p>` : ''}
    <p>
      Everything the sandbox knows about visits. Use the buttons to move a visit through its statuses as a
      provider would; the patient's visit room shows the change on its next reload.
    </p>
    ${
      rows.length === 0
        ? html`<p data-testid="no-visits">No visits yet.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Visit</th>
                <th>Kind</th>
                <th>Patient</th>
                <th>Provider</th>
                <th>Status</th>
                <th>Starts (UTC)</th>
                <th>Reason</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              ${body}
            </tbody>
          </table>`
    }`;
}
