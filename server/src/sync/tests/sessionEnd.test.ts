import { CloseCode } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, buildUser, call, type TestUser } from '../../test/factories.ts';
import { connectClient, eventually, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

describe('ending a session', () => {
  let server: TestServer;
  let ann: TestUser;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await buildUser(server.url);
    ({ documentId } = await buildDocument(server.url, ann));
  });
  afterAll(() => server.stop());

  it("signing out closes that session's open sockets, and the client does not reconnect", async () => {
    const client = connectClient(server.url, documentId, ann.cookie);
    const codes: number[] = [];
    client.provider.on('connection-close', (e) => {
      if (e) codes.push(e.code);
    });
    await waitSynced(client);
    await call(server.url, 'POST', '/auth/signout', { cookie: ann.cookie });
    await eventually(() => expect(codes).toEqual([CloseCode.unauthenticated]), 5000);
    expect(client.provider.shouldConnect).toBe(false);
    client.destroy();
  });
});
