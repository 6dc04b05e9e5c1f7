import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError, ERROR_CATALOG, toAppError } from "./errors.js";

describe("error catalog", () => {
  it("agrees with docs/errors.md (codes and HTTP statuses)", () => {
    const md = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
    const rows = [...md.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]);
    const documented = Object.fromEntries(rows);
    const defined = Object.fromEntries(Object.entries(ERROR_CATALOG).map(([k, v]) => [k, v.httpStatus]));
    expect(documented).toEqual(defined);
  });

  it("serialises without a stack and keeps the cause", () => {
    const cause = new Error("disk on fire");
    const e = new AppError("STORE_UNAVAILABLE", undefined, { cause });
    expect(e.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      code: "STORE_UNAVAILABLE",
      message: ERROR_CATALOG.STORE_UNAVAILABLE.message,
    });
  });

  it("converts unknown throws to INTERNAL", () => {
    const e = toAppError(new TypeError("x is undefined"));
    expect(e.code).toBe("INTERNAL");
    expect(e.httpStatus).toBe(500);
    expect(e.message).not.toContain("x is undefined");
  });
});
