import { Hono } from 'hono';
import type { AppEnv } from '../../http/env.ts';

/**
 * For a load balancer or an operator: 200 while this process can serve (its storage
 * answers), 503 otherwise. It says whether Redis joins it to the other processes, but a
 * process cut off from Redis still serves its own people, so that alone is no 503. The
 * problem itself goes to the log, not to an unauthenticated caller.
 */
export const healthRoutes = new Hono<AppEnv>().get('/health', async (c) => {
  const { storage, clusterConnected, logger } = c.var.services;
  const problem = await storage.ping();
  if (problem !== 'ok') logger.log('error', 'health.storage_failing', { problem });
  const cluster = clusterConnected ? (clusterConnected() ? 'connected' : 'disconnected') : null;
  return c.json(
    {
      status: problem === 'ok' ? 'ok' : 'unavailable',
      storage: problem === 'ok' ? 'ok' : 'failing',
      ...(cluster ? { cluster } : {}),
    },
    problem === 'ok' ? 200 : 503,
  );
});
