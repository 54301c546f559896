import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { API, asToken, CLINIC, eConsult, testId, walkIn } from './helpers';

const CONSOLE = `${CLINIC}/providers/dashboard`;

describe('provider console', () => {
  it('lists every visit with its status and the actions its status allows', async () => {
    const { app } = createSandbox();
    const { visit } = await walkIn(app);
    const res = await request(app).get(CONSOLE);
    expect(res.status).toBe(200);
    expect(testId(res.text, `console-status-${visit.id}`)).toBe('Pending');
    expect(res.text).toContain(`data-testid="action-start-${visit.id}"`);
    expect(res.text).toContain(`data-testid="action-cancel-${visit.id}"`);
    expect(res.text).not.toContain(`data-testid="action-complete-${visit.id}"`);
    expect(res.text).not.toContain(`data-testid="action-accept-${visit.id}"`);
  });

  it('moves a walk-in through start and complete, which the patient’s API view shows', async () => {
    const { app } = createSandbox();
    const { token, visit } = await walkIn(app);

    const start = await request(app)
      .post(`${CLINIC}/providers/visits/${visit.id}/start`)
      .type('form')
      .send({});
    expect(start.status).toBe(303);
    expect(start.headers.location).toMatch(/^\/vc\/next\/providers\/dashboard\?notice=/);
    const during = await request(app).get(`${API}/visits/${visit.id}`).set(asToken(token));
    await request(app)
      .post(`${CLINIC}/providers/visits/${visit.id}/complete`)
      .type('form')
      .send({})
      .expect(303);
    const after = await request(app).get(`${API}/visits/${visit.id}`).set(asToken(token));

    expect(during.body.data.status).toBe('25');
    expect(after.body.data.status).toBe('30');
  });

  it('accepts an eConsult for the chosen provider', async () => {
    const { app } = createSandbox();
    const {
      token,
      visit: { id },
    } = await eConsult(app);

    const listed = await request(app).get(CONSOLE);
    expect(listed.text).toContain(`data-testid="action-accept-${id}"`);
    expect(listed.text).not.toContain(`data-testid="action-start-${id}"`);
    await request(app)
      .post(`${CLINIC}/providers/visits/${id}/accept`)
      .type('form')
      .send({ provider_id: '502' })
      .expect(303);
    const visit = await request(app).get(`${API}/visits/${id}`).set(asToken(token));

    expect(visit.body.data).toMatchObject({ status: '20', provider_id: '502' });
  });

  it('cancels a visit', async () => {
    const { app, state } = createSandbox();
    const { visit } = await walkIn(app);
    await request(app)
      .post(`${CLINIC}/providers/visits/${visit.id}/cancel`)
      .type('form')
      .send({})
      .expect(303);
    expect(state.visits.get(visit.id)?.status).toBe('40');
  });

  it('refuses an action the status does not allow (400), an unknown visit or action (404)', async () => {
    const { app } = createSandbox();
    const { visit } = await walkIn(app);
    const complete = await request(app)
      .post(`${CLINIC}/providers/visits/${visit.id}/complete`)
      .type('form')
      .send({});
    const unknownVisit = await request(app)
      .post(`${CLINIC}/providers/visits/999999/start`)
      .type('form')
      .send({});
    const unknownAction = await request(app)
      .post(`${CLINIC}/providers/visits/${visit.id}/explode`)
      .type('form')
      .send({});
    expect(complete.status).toBe(400);
    expect(testId(complete.text, 'error-message')).toBe('Only a visit in progress can be completed.');
    expect(unknownVisit.status).toBe(404);
    expect(unknownAction.status).toBe(404);
  });

  it('refuses a form posted from another site', async () => {
    const { app, state } = createSandbox();
    const { visit } = await walkIn(app);
    const res = await request(app)
      .post(`${CLINIC}/providers/visits/${visit.id}/cancel`)
      .set('Origin', 'https://evil.test')
      .type('form')
      .send({});
    expect(res.status).toBe(403);
    expect(state.visits.get(visit.id)?.status).toBe('10');
  });
});
