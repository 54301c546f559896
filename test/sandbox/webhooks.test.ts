import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { NOTHING_LISTENS_PORT } from '../helpers/waiting';
import { C, CLINIC, receiver, walkIn } from './helpers';

describe('sandbox webhook sender', () => {
  it('without a webhook configured, sends nothing and records nothing', async () => {
    const sandbox = createSandbox();
    await walkIn(sandbox.app);
    await sandbox.webhooks.flush();
    expect(sandbox.webhooks.sent()).toEqual([]);
  });

  it('v1: posts visit.created on a walk-in, then visit.updated and visit.ended from the provider console, in order', async () => {
    const hook = await receiver();
    try {
      const sandbox = createSandbox({ webhook: { url: hook.url } });
      const { visit, userId } = await walkIn(sandbox.app);
      for (const action of ['start', 'complete']) {
        await request(sandbox.app)
          .post(`${CLINIC}/providers/visits/${visit.id}/${action}`)
          .type('form')
          .send({})
          .expect(303);
      }
      await sandbox.webhooks.flush();

      expect(hook.received.map((r) => [r.body.type, r.body.data.status])).toEqual([
        ['visit.created', '10'],
        ['visit.updated', '25'],
        ['visit.ended', '30'],
      ]);
      const first = hook.received[0]!;
      expect(first.headers['content-type']).toMatch(/^application\/json/);
      expect(first.body).toMatchObject({
        version: '1.0',
        account_code: C.accountCode,
        created: expect.any(Number),
        data: { id: visit.id, member_id: userId },
      });
      expect(first.body).not.toHaveProperty('clinic_code');
      const ids = hook.received.map((r) => r.body.id);
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(sandbox.webhooks.sent().map((s) => [s.eventId, s.status])).toEqual(ids.map((id) => [id, 200]));
    } finally {
      await hook.close();
    }
  });

  it('v2: clinic_code, status words and numeric times, and the secret in X-Webhook-Secret when asked', async () => {
    const hook = await receiver();
    try {
      const sandbox = createSandbox({
        webhook: { url: hook.url, version: 2, secretHeader: 's3cret-s3cret-s3cret' },
      });
      const { visit } = await walkIn(sandbox.app);
      sandbox.state.transition(visit.id, 'cancel');
      await sandbox.webhooks.flush();

      expect(hook.received.map((r) => [r.body.type, r.body.data.status])).toEqual([
        ['visit.created', 'pending'],
        ['visit.ended', 'cancelled'],
      ]);
      expect(hook.received[1]!.body).toMatchObject({
        version: '2.0',
        clinic_code: C.accountCode,
        data: { id: visit.id, start: expect.any(Number), actual_end: expect.any(Number) },
      });
      expect(hook.received[1]!.body).not.toHaveProperty('account_code');
      expect(hook.received[0]!.headers['x-webhook-secret']).toBe('s3cret-s3cret-s3cret');
    } finally {
      await hook.close();
    }
  });

  it('a receiver that is down or failing never breaks the sandbox: the failure is recorded and the visit still moves', async () => {
    const down = `http://127.0.0.1:${NOTHING_LISTENS_PORT}/hook`;
    const sandbox = createSandbox({ webhook: { url: down, timeoutMs: 500 } });
    const { visit } = await walkIn(sandbox.app);
    sandbox.state.transition(visit.id, 'start');
    await sandbox.webhooks.flush();

    expect(sandbox.state.visits.get(visit.id)!.status).toBe('25');
    const sent = sandbox.webhooks.sent();
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.status).toBeUndefined();
      expect(s.error).toEqual(expect.any(String));
    }

    const failing = await receiver(500);
    try {
      sandbox.webhooks.configure({ url: failing.url });
      sandbox.webhooks.clear();
      sandbox.state.transition(visit.id, 'complete');
      await sandbox.webhooks.flush();
      expect(sandbox.webhooks.sent().map((s) => s.status)).toEqual([500]);
    } finally {
      await failing.close();
    }
  });

  it('configure(undefined) turns the webhooks off again', async () => {
    const hook = await receiver();
    try {
      const sandbox = createSandbox({ webhook: { url: hook.url } });
      sandbox.webhooks.configure(undefined);
      await walkIn(sandbox.app);
      await sandbox.webhooks.flush();
      expect(hook.received).toEqual([]);
    } finally {
      await hook.close();
    }
  });
});
