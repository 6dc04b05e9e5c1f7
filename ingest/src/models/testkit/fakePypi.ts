// Test helpers: build a real wheel (zip) in memory and serve it from a PyPI-shaped HTTP server on 127.0.0.1.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32, deflateRawSync } from "node:zlib";

export interface ZipInput {
  readonly name: string;
  readonly data: Buffer;
  /** Store instead of deflate. */
  readonly store?: boolean;
}

/** A minimal but valid zip (local headers, central directory, end record), as Python's zipfile writes. */
export function makeZip(entries: readonly ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const body = e.store ? e.data : deflateRawSync(e.data);
    const crc = crc32(e.data) >>> 0;
    const method = e.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

export interface FakeRelease {
  readonly package: string;
  readonly version: string;
  readonly wheel: Buffer;
  /** Digest to publish in the JSON; defaults to the wheel's real sha256. */
  readonly publishedSha256?: string;
  /** Serve only the project document (`/pypi/<p>/json`), like mirrors that 404 the per-version one. */
  readonly projectDocOnly?: boolean;
}

export interface FakePypi {
  readonly url: string;
  /** Every request path seen, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

function wheelName(r: FakeRelease): string {
  return `${r.package.replace(/-/g, "_")}-${r.version}-py3-none-any.whl`;
}

/** Serves `/pypi/<p>/<v>/json`, `/pypi/<p>/json`, `/files/<wheel>` and a fake hub under `/hf/`. */
export async function startFakePypi(
  releases: readonly FakeRelease[],
  /** Files the fake hub serves, keyed by `<repo>/resolve/<rev>/<path>`; any other `/hf/` path is a 503. */
  hfFiles: Readonly<Record<string, Buffer>> = {},
): Promise<FakePypi> {
  const requests: string[] = [];
  let base = "";
  const fileEntry = (r: FakeRelease) => ({
    filename: wheelName(r),
    // Bandersnatch-style mirrors publish URLs relative to the JSON document: exercise that on one path.
    url: r.projectDocOnly ? `../../files/${wheelName(r)}` : `${base}/files/${wheelName(r)}`,
    packagetype: "bdist_wheel",
    size: r.wheel.length,
    digests: { sha256: r.publishedSha256 ?? sha256(r.wheel), md5: "unused" },
  });
  const sdist = (r: FakeRelease) => ({
    filename: `${r.package}-${r.version}.tar.gz`,
    url: `${base}/files/none.tar.gz`,
    packagetype: "sdist",
    digests: { sha256: "0".repeat(64) },
  });
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    requests.push(path);
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    for (const r of releases) {
      if (path === `/pypi/${r.package}/${r.version}/json` && !r.projectDocOnly) {
        return json({ info: { name: r.package, version: r.version }, urls: [sdist(r), fileEntry(r)] });
      }
      if (path === `/pypi/${r.package}/json`) {
        return json({ info: { name: r.package }, releases: { [r.version]: [sdist(r), fileEntry(r)] } });
      }
      if (path === `/files/${wheelName(r)}`) {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": r.wheel.length });
        return res.end(r.wheel);
      }
    }
    const hf = hfFiles[path.slice("/hf/".length)];
    if (path.startsWith("/hf/") && hf) {
      res.writeHead(200, { "content-length": hf.length });
      return res.end(hf);
    }
    res.writeHead(path.startsWith("/hf/") ? 503 : 404);
    res.end();
  };
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
