// Argument parsing for the isa CLI: node:util parseArgs with errors turned into INPUT_INVALID.
import type { ParseArgsConfig } from "node:util";
import { parseArgs } from "node:util";

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

import { AppError } from "@isa/core";

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

export function parse<const O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: O,
): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new AppError("INPUT_INVALID", (cause as Error).message, { cause });
  }
}

export function intOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError(
      "INPUT_INVALID",
      `--${name} must be an integer between ${min} and ${max}, got "${String(value)}".`,
    );
  }
  return n;
}
