// The zip reader on archives written by the test kit (same layout as Python's zipfile) and on a damaged one.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeZip } from "./testkit/fakePypi.js";
import { listZip, openZipMember } from "./zipMember.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "isa-zip-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function zipFile(bytes: Buffer): Promise<string> {
  const p = join(dir, "x.whl");
  await writeFile(p, bytes);
  return p;
}

describe("openZipMember", () => {
  const big = Buffer.from("lorem ipsum ".repeat(50_000));

  it("reads deflated, stored and empty members", async () => {
    const p = await zipFile(
      makeZip([
        { name: "a/big.txt", data: big },
        { name: "a/stored.bin", data: Buffer.from([1, 2, 3]), store: true },
        { name: "a/empty", data: Buffer.alloc(0), store: true },
      ]),
    );
    expect((await listZip(p)).map((e) => e.name)).toEqual(["a/big.txt", "a/stored.bin", "a/empty"]);
    expect(await buffer((await openZipMember(p, "a/big.txt")).stream)).toEqual(big);
    expect(await buffer((await openZipMember(p, "a/stored.bin")).stream)).toEqual(Buffer.from([1, 2, 3]));
    expect((await buffer((await openZipMember(p, "a/empty")).stream)).length).toBe(0);
  });

  it("fails on a missing member and on corrupted data", async () => {
    const zip = makeZip([{ name: "m", data: Buffer.from("abcdefgh".repeat(10)), store: true }]);
    const p = await zipFile(zip);
    await expect(openZipMember(p, "nope")).rejects.toThrow(/not found/);
    zip[31] = zip[31]! ^ 0xff; // first data byte of the stored member (30-byte header + 1-byte name)
    await writeFile(p, zip);
    await expect(buffer((await openZipMember(p, "m")).stream)).rejects.toThrow(/CRC-32/);
  });

  it("rejects a file that is not a zip", async () => {
    const p = await zipFile(Buffer.from("not a zip at all"));
    await expect(listZip(p)).rejects.toThrow(/end of central directory/);
  });
});
