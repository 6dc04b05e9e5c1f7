// listen() for an HttpHandler: a plain node:http server on host:port (port 0 = any free port).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpHandler } from "./httpHandler.js";

export interface Listening {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenHttp(
  handler: HttpHandler,
  opts: { readonly host?: string; readonly port: number; readonly path?: string },
): Promise<Listening> {
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void handler.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${opts.path ?? "/mcp"}`,
    port,
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
