/**
 * The floor: a `ws` server that forwards every frame to the other sockets of the same
 * room (the URL path) and does no CRDT work, no auth and no storage. Nothing can relay a
 * y-websocket conversation faster than this, so it bounds what any real server can do.
 *
 * One exception, routing only: a joining client's sync step 1 goes to the longest-connected
 * peer alone. Forwarded to everyone, every peer would answer with the whole document and
 * each answer would be forwarded to everyone again: n² full copies per join, which buried
 * a 150-person room for minutes and is not a cost of relaying. Worse, a peer that has
 * just joined answers with an empty document, and the joiner believes it is synced.
 */
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('relay: set PORT to the port to listen on, for example PORT=4100');
  process.exit(2);
}

const rooms = new Map<string, Set<WebSocket>>();
const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });

wss.on('connection', (ws, req) => {
  const name = req.url ?? '/';
  let room = rooms.get(name);
  if (!room) {
    room = new Set();
    rooms.set(name, room);
  }
  room.add(ws);
  ws.on('message', (data: Buffer, isBinary) => {
    const syncStep1 = data[0] === 0 && data[1] === 0;
    for (const other of room) {
      if (other === ws || other.readyState !== WebSocket.OPEN) continue;
      other.send(data, { binary: isBinary });
      // Sets iterate in insertion order: the longest-connected peer, which holds the
      // document, answers alone (a peer that joined a moment ago would answer empty).
      if (syncStep1) break;
    }
  });
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(name);
  });
});

server.listen(port, '127.0.0.1', () => console.log(`relay listening on ${port}`));
process.on('SIGTERM', () => process.exit(0));
