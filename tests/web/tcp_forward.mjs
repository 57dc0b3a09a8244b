// tcp_forward.mjs - forwards TCP from 127.0.0.1:<listen-port> to
// <host>:<port>, for a page that must be loaded from 127.0.0.1 (a secure
// context, no local-network checks) inside a network namespace whose
// server lives in another one (shared/MACHINE-FACTS.md, Chromium inside a
// namespace). Run inside the namespace:
//   ip netns exec NS node tcp_forward.mjs <listen-port> <host> <port>
// Prints "forwarding" once listening; exits on SIGTERM.
import { createServer, connect } from 'node:net';

const [listenPort, host, port] = process.argv.slice(2);
const server = createServer((client) => {
  const upstream = connect(Number(port), host);
  client.pipe(upstream).pipe(client);
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', end);
});
server.listen(Number(listenPort), '127.0.0.1', () => console.log('forwarding'));
process.on('SIGTERM', () => process.exit(0));
