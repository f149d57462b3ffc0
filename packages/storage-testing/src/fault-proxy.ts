// A TCP proxy between a client and a database server that a test can break
// on purpose: refuse new connections (a network blip, a server that is down)
// or cut every open connection (a load balancer dropping them).

import net from 'node:net';

export interface FaultProxy {
  /** The port clients connect to. */
  port: number;
  /** A copy of `url` pointing at the proxy instead of the server. */
  rewriteUrl(url: string): string;
  /** New connections are refused (ECONNREFUSED) until accept() is called; open ones stay (see cutAll). */
  refuse(): Promise<void>;
  accept(): Promise<void>;
  /** Destroys every open connection now. */
  cutAll(): void;
  /** Connections accepted since start. */
  readonly connectionsAccepted: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }, listenPort = 0): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let server: net.Server | undefined;
  let port = listenPort;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        accepted += 1;
        const upstream = net.connect(target.port, target.host);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const address = s.address();
        port = typeof address === 'object' && address ? address.port : port;
        server = s;
        resolve();
      });
    });

  // close() stops listening at once; its callback would wait for every open
  // connection to end, which is not what refusing new ones means (a test
  // calling refuse() before cutAll() would hang), so it is not awaited.
  const stopListening = async () => {
    const s = server;
    server = undefined;
    s?.close();
  };

  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get connectionsAccepted() {
      return accepted;
    },
    rewriteUrl(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    refuse: stopListening,
    accept: async () => {
      if (!server) await listen();
    },
    cutAll,
    async close() {
      cutAll();
      await stopListening();
    },
  };
}
