import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/testApp.ts';

describe('GET /api/health', () => {
  it('answers 200 while the storage answers, without signing in', async () => {
    const t = buildTestApp();
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok', storage: 'ok' });
  });

  it('says whether Redis joins the process to the others, when it is one of several', async () => {
    const t = buildTestApp();
    let connected = true;
    t.services.clusterConnected = () => connected;
    expect((await t.request('GET', '/api/health')).json).toMatchObject({ cluster: 'connected' });
    connected = false;
    const cut = await t.request('GET', '/api/health');
    // Cut off from Redis it still serves its own people: not a reason to take it out.
    expect(cut.status).toBe(200);
    expect(cut.json).toMatchObject({ status: 'ok', cluster: 'disconnected' });
  });

  it('answers 503 once the storage fails, and logs why without telling the caller', async () => {
    const t = buildTestApp();
    await t.services.storage.close();
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ status: 'unavailable', storage: 'failing' });
    expect(t.logger.entries.some((e) => e.event === 'health.storage_failing')).toBe(true);
  });
});
