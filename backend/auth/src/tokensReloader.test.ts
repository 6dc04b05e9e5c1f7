// Fail closed on credentials: a tokens file that disappears keeps working for the grace period, then every token is
// revoked (logged), and comes back when the file does; a typo still keeps the last good set.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hashToken } from "./tokensFile.js";
import { createTokensReloader } from "./tokensReloader.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), "isa-tokens-"));
  dirs.push(dir);
  const file = path.join(dir, "tokens.yaml");
  writeFileSync(file, `- {token_sha256: ${hashToken("a")}, user: a}\n`);
  let t = 0;
  const logs: string[] = [];
  const logger = {
    info: (_: object, m: string) => logs.push(`info ${m}`),
    error: (_: object, m: string) => logs.push(`error ${m}`),
  };
  const r = createTokensReloader({
    path: file,
    checkIntervalMs: 0,
    now: () => t,
    logger,
    unreadableGraceMs: 60_000,
  });
  return {
    file,
    r,
    logs,
    at: (ms: number) => {
      t = ms;
    },
  };
}

describe("tokens reloader: fail closed", () => {
  it("a deleted file revokes every token after the grace period, logged; tokens return with the file", () => {
    const { file, r, logs, at } = setup();
    expect(r.entries()).toHaveLength(1);
    rmSync(file);
    at(1_000);
    expect(r.entries()).toHaveLength(1);
    at(60_999);
    expect(r.entries()).toHaveLength(1);
    at(61_000);
    expect(r.entries()).toHaveLength(0);
    expect(logs.filter((l) => l.startsWith("error"))).toEqual([
      "error ISA_TOKENS_FILE cannot be read; keeping the previous token set for 60 s, then every token is revoked unless it comes back",
      "error ISA_TOKENS_FILE still cannot be read; every token is revoked until it can",
    ]);
    writeFileSync(file, `- {token_sha256: ${hashToken("a")}, user: a}\n`);
    at(62_000);
    expect(r.entries()).toHaveLength(1);
  });

  it("a file back within the grace period revokes nothing; a later loss starts a fresh grace period", () => {
    const { file, r, at } = setup();
    rmSync(file);
    at(1_000);
    r.entries();
    writeFileSync(file, `- {token_sha256: ${hashToken("a")}, user: a}\n`);
    at(30_000);
    expect(r.entries()).toHaveLength(1);
    rmSync(file);
    at(80_000);
    expect(r.entries()).toHaveLength(1);
    at(140_000);
    expect(r.entries()).toHaveLength(0);
  });

  it("an invalid file still keeps the last good set (a typo never locks everyone out)", () => {
    const { file, r, at } = setup();
    writeFileSync(file, "- {user: nobody\n");
    at(100_000);
    expect(r.entries()).toHaveLength(1);
  });
});
