#!/usr/bin/env node
// A terminal operator console for the README walkthrough: logs in, becomes available, prints every event
// and accepts offers (pass --reject to reject them instead).  Usage: node scripts/demo-operator.mjs giulia
import { io } from 'socket.io-client';

const [username = 'giulia', ...flags] = process.argv.slice(2);
const base = process.env.CENTRALINO_URL ?? 'http://localhost:3000';
const password = process.env.CENTRALINO_PASSWORD ?? 'centralino';

const login = await fetch(`${base}/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password }),
});
const body = await login.json();
if (login.status !== 200) {
  console.error(`login failed: ${login.status} ${JSON.stringify(body)}`);
  process.exit(1);
}
// Access tokens are short-lived: refresh before expiry, and reconnect with the current one.
let session = body;
const refresh = async () => {
  const response = await fetch(`${base}/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  });
  if (response.status !== 200) return console.error(`refresh failed: ${response.status}`);
  session = await response.json();
  setTimeout(refresh, session.expiresIn * 800).unref();
};
setTimeout(refresh, session.expiresIn * 800).unref();
const socket = io(`${base}/operators`, {
  auth: (cb) => cb({ token: session.accessToken }),
  transports: ['websocket'],
});
socket.onAny((event, payload) => console.log(new Date().toISOString(), event, JSON.stringify(payload)));
socket.on('connect_error', (error) => console.error('connect_error', error.message));
socket.on('connect', async () => {
  console.log(`connected as ${username}`);
  console.log('state.set', JSON.stringify(await socket.emitWithAck('state.set', { state: 'available' })));
});
socket.on('offer', async (offer) => {
  const event = flags.includes('--reject') ? 'offer.reject' : 'offer.accept';
  console.log(event, JSON.stringify(await socket.emitWithAck(event, { offerId: offer.offerId })));
});
