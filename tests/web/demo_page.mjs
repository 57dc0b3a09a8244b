// demo_page.mjs - the stand-in page as scripts/demo serves it, and the one
// link a person opens to join the demo's call from a browser.
//
//   node demo_page.mjs site DIR                     lay out the web root in DIR
//   node demo_page.mjs url SIGNAL_URL ROOM CHANNEL  print the link
//
// The relay serves DIR (--web-root) on the port it also takes signaling on,
// so the link is that origin, with the page's own query parameters (see
// index.html): signal= the relay's ScaleDrone URL and channel= the channel
// the demo's peers use; the room is the hash. web/demo-link opens exactly
// what `url` prints.
import { buildSite } from './bundle.mjs';

// ws://HOST:PORT/v3/websocket -> http://HOST:PORT/?signal=...&channel=...#ROOM
// (wss -> https). Left unencoded so a person can read it; URLSearchParams
// reads ':' and '/' in a value as they are, and the values are checked to
// hold nothing that would need encoding.
export function demoPageUrl(signalUrl, room, channel) {
  const u = new URL(signalUrl);
  if ((u.protocol !== 'ws:' && u.protocol !== 'wss:') || u.pathname !== '/v3/websocket') {
    throw new Error(`not a relay signaling URL: ${signalUrl}`);
  }
  for (const [what, v] of [['room', room], ['channel', channel]]) {
    if (!/^[A-Za-z0-9_-]+$/.test(v)) throw new Error(`${what} must be letters, digits, - or _`);
  }
  const origin = `${u.protocol === 'wss:' ? 'https' : 'http'}://${u.host}`;
  return `${origin}/?signal=${u.protocol}//${u.host}${u.pathname}&channel=${channel}#${room}`;
}

async function main([cmd, ...args]) {
  if (cmd === 'site' && args.length === 1) {
    await buildSite(args[0]);
  } else if (cmd === 'url' && args.length === 3) {
    console.log(demoPageUrl(...args));
  } else {
    throw new Error('usage: demo_page.mjs site DIR | url SIGNAL_URL ROOM CHANNEL');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`demo_page: ${err.message}`);
    process.exit(1);
  });
}
