// acl.yaml loading: first match wins, defaults, and failing closed on anything malformed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppError } from "@isa/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aclFor, loadAcl, parseAcl } from "./acl.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "isa-acl-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectInvalid(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("INPUT_INVALID");
  for (const f of fragments) expect((err as AppError).message).toContain(f);
}

describe("loadAcl", () => {
  it("uses the default groups when there is no ACL file", async () => {
    const policy = await loadAcl(dir, ["public"]);
    expect(policy).toEqual({ default: ["public"], rules: [] });
    expect(aclFor(policy, "anything/at/all.md")).toEqual(["public"]);
    expect(aclFor(await loadAcl(dir, ["staff"]), "x.md")).toEqual(["staff"]);
  });

  it("applies the first matching rule, with dotfiles and `dir/` shorthand", async () => {
    await writeFile(
      path.join(dir, "acl.yaml"),
      [
        "default: [staff]",
        "rules:",
        "  - glob: hr/public/**",
        "    groups: [public]",
        "  - glob: hr/",
        "    groups: [hr]",
        "  - glob: '**/*.secret.md'",
        "    groups: [security]",
        "  - glob: 'hr/**'",
        "    groups: [never-reached]",
      ].join("\n"),
    );
    const policy = await loadAcl(dir, ["public"]);
    expect(aclFor(policy, "hr/public/handbook.md")).toEqual(["public"]);
    expect(aclFor(policy, "hr/salaries.md")).toEqual(["hr"]);
    expect(aclFor(policy, "hr/.hidden/notes.md")).toEqual(["hr"]);
    expect(aclFor(policy, "eng/keys.secret.md")).toEqual(["security"]);
    expect(aclFor(policy, "eng/readme.md")).toEqual(["staff"]);
  });

  it("reads acl.yml too, and keeps the default groups when the file sets none", async () => {
    await writeFile(path.join(dir, "acl.yml"), "rules:\n  - glob: 'private/**'\n    groups: [eng, ops]\n");
    const policy = await loadAcl(dir, ["public"]);
    expect(aclFor(policy, "private/a.md")).toEqual(["eng", "ops"]);
    expect(aclFor(policy, "a.md")).toEqual(["public"]);
  });

  it("fails closed on malformed YAML, naming the file", async () => {
    const file = path.join(dir, "acl.yaml");
    await writeFile(file, "default: [public\nrules: {{{\n");
    await expectInvalid(loadAcl(dir), file);
  });

  it("fails closed on schema violations: unknown keys, wrong types, empty file, bad globs", async () => {
    const file = path.join(dir, "acl.yaml");
    for (const [content, hint] of [
      ["rule:\n  - glob: x\n    groups: [a]\n", "rule"],
      ["rules:\n  - glob: x\n    groups: eng\n", "rules.0.groups"],
      ["rules:\n  - glob: x\n    group: [eng]\n", "rules.0"],
      ["default: []\nrules:\n  - glob: ''\n    groups: [a]\n", "rules.0.glob"],
      ["", "(root)"],
      ["- just\n- a list\n", "(root)"],
    ] as const) {
      await writeFile(file, content);
      await expectInvalid(loadAcl(dir), file, hint);
    }
  });

  it("refuses two ACL files rather than guessing", async () => {
    await writeFile(path.join(dir, "acl.yaml"), "default: [a]\n");
    await writeFile(path.join(dir, "acl.yml"), "default: [b]\n");
    await expectInvalid(loadAcl(dir), "acl.yaml", "acl.yml");
  });

  it("parseAcl validates text directly", () => {
    expect(parseAcl("default: [x]", "mem", ["public"])).toEqual({ default: ["x"], rules: [] });
    expect(() => parseAcl("default: 3", "mem.yaml", ["public"])).toThrow(/mem\.yaml/);
  });
});
