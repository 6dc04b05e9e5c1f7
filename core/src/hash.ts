// Content hashing for ids: stable, short, collision-safe enough for per-index ids.
import { createHash } from "node:crypto";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** A 32-hex-char id from parts joined by NUL (so `a`+`bc` ≠ `ab`+`c`). */
export function contentId(...parts: readonly string[]): string {
  return sha256Hex(parts.join("\u0000")).slice(0, 32);
}
