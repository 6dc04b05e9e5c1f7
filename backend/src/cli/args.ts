// Argument parsing for the isa CLI: node:util parseArgs with errors turned into INPUT_INVALID.
import { parseArgs } from "node:util";
import { AppError } from "@isa/core";

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

export function parse<O extends Options>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options: options ?? {}, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new AppError("INPUT_INVALID", (cause as Error).message, { cause });
  }
}

export function intOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError("INPUT_INVALID", `--${name} must be an integer between ${min} and ${max}, got "${String(value)}".`);
  }
  return n;
}
