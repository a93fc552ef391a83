/**
 * The floor: a `ws` server that forwards every frame to the other sockets of the same
 * room (the URL path) and does no CRDT work, no auth and no storage. Nothing can relay a
 * y-websocket conversation faster than this, so it bounds what any real server can do.
 *
 * One exception, routing only, so that joining stays cheap: a joining client's sync
 * step 1 goes to the longest-connected peer alone, and that peer's answer (sync step 2, the
 * whole document) goes back to the one who asked. Forwarded to everyone, every peer would
 * answer and every answer would reach everyone: n² copies of the document per join, which
 * buried a 150-person room. Worse, a peer that had just joined answered with an empty
 * document and the joiner took itself for synced.
 */
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('relay: set PORT to the port to listen on, for example PORT=4100');
  process.exit(2);
}

interface Room {
  sockets: Set<WebSocket>;
  /** Who is waiting for an answer from whom (step 1 forwarded, step 2 not yet back). */
  asked: Map<WebSocket, WebSocket[]>;
}

const rooms = new Map<string, Room>();
const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });

const SYNC = 0;
const STEP1 = 0;
const STEP2 = 1;

wss.on('connection', (ws, req) => {
  const name = req.url ?? '/';
  let room = rooms.get(name);
  if (!room) {
    room = { sockets: new Set(), asked: new Map() };
    rooms.set(name, room);
  }
  const { sockets, asked } = room;
  sockets.add(ws);
  ws.on('message', (data: Buffer, isBinary) => {
    const sync = data[0] === SYNC;
    if (sync && data[1] === STEP1) {
      // Sets iterate in insertion order: the longest-connected peer answers.
      for (const other of sockets) {
        if (other === ws || other.readyState !== WebSocket.OPEN) continue;
        other.send(data, { binary: isBinary });
        asked.set(other, [...(asked.get(other) ?? []), ws]);
        return;
      }
      return;
    }
    if (sync && data[1] === STEP2) {
      const requester = asked.get(ws)?.shift();
      if (requester) {
        if (requester.readyState === WebSocket.OPEN) requester.send(data, { binary: isBinary });
        return;
      }
    }
    for (const other of sockets) {
      if (other !== ws && other.readyState === WebSocket.OPEN)
        other.send(data, { binary: isBinary });
    }
  });
  ws.on('close', () => {
    sockets.delete(ws);
    asked.delete(ws);
    if (sockets.size === 0) rooms.delete(name);
  });
});

server.listen(port, '127.0.0.1', () => console.log(`relay listening on ${port}`));
process.on('SIGTERM', () => process.exit(0));
