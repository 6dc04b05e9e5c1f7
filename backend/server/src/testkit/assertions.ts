// Assertions shared by the API tests: catalog-shaped error bodies and strict SSE framing.
import { ERROR_CATALOG } from "@isa/core";
import { expect } from "vitest";

const CODES = new Set(Object.keys(ERROR_CATALOG));

export function expectError(r: { statusCode: number; json: () => unknown; body: string }, code: string) {
  const body = r.json() as { error: { code: string; message: string } };
  expect(body.error.code, r.body).toBe(code);
  expect(r.statusCode).toBe(ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].httpStatus);
  expect(CODES.has(body.error.code)).toBe(true);
  expect(r.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

/** SSE body → [event, data] pairs; also checks every frame is `event: x\ndata: {json}\n\n`. */
export function parseSse(body: string): [string, unknown][] {
  const frames = body.split("\n\n").filter((f) => f !== "" && !f.startsWith(":"));
  return frames.map((f) => {
    const m = /^event: ([a-z_]+)\ndata: (.*)$/.exec(f);
    expect(m, `bad frame ${JSON.stringify(f)}`).not.toBeNull();
    return [m?.[1] ?? "", JSON.parse(m?.[2] ?? "null")];
  });
}
