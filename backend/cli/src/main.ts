// Entry point of the `isa` CLI: dispatch, and one place that turns errors into messages and exit codes.
import { isAppError } from "@isa/core";

const HELP = `isa — innersource-assistant

Usage:
  isa setup [--no-llm] [--json]              fetch and verify models (embedding + local LLM)
  isa ingest <path…> [--name N…] [--json]    index folders or git working trees into ISA_DATA_DIR
  isa search "<query>" [--k N] [--mode hybrid|dense|lexical] [--groups a,b] [--json]
  isa ask "<question>" [--groups a,b] [--json]
  isa eval <questions.jsonl> --corpus <dir> [--json] [--retrieval-only] [--mode M] [--limit N]
  isa serve [--port N] [--host H] [--role all|api|a2a] [--public-url URL]
                                             the HTTP API and the A2A agents docs/dev/root (/agents/*) on one
                                             port (default 127.0.0.1:8080; auth: ISA_TOKENS_FILE / ISA_OIDC_*)
  isa serve-a2a [--port N] [--host H] [--public-url URL]
                                             \`isa serve --role a2a\` on 127.0.0.1:8090

Environment: see README.md (ISA_DATA_DIR, EMBED_DEVICE, LLM_BASE_URL, …).
`;

type Command = (argv: readonly string[]) => Promise<void>;

// The one composition root: each command's module is imported only when that command runs, so `isa search` never
// loads the HTTP server and `isa serve` never loads the eval.
const COMMANDS: Record<string, () => Promise<Command>> = {
  setup: async () => (await import("./commands.js")).setupCommand,
  ingest: async () => (await import("./commands.js")).ingestCommand,
  search: async () => (await import("./commands.js")).searchCommand,
  ask: async () => (await import("./commands.js")).askCommand,
  eval: async () => (await import("./evalCommand.js")).evalCommand,
  serve: async () => {
    const { serveCommand } = await import("./serveCommand.js");
    return (argv) => serveCommand(argv);
  },
  "serve-a2a": async () => {
    const { serveCommand } = await import("./serveCommand.js");
    return (argv) => serveCommand(argv, { role: "a2a" });
  },
};

export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help" || cmd === "-h") {
    process.stdout.write(HELP);
    return cmd ? 0 : 2;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    process.stderr.write(`isa: unknown command "${cmd}"\n\n${HELP}`);
    return 2;
  }
  try {
    const run = await load();
    await run(rest);
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`isa ${cmd}: ${err.code}: ${err.message}\n`);
      if (process.env.ISA_DEBUG && err.cause)
        process.stderr.write(`${String((err.cause as Error).stack ?? err.cause)}\n`);
      return err.httpStatus >= 500 ? 1 : 2;
    }
    process.stderr.write(`isa ${cmd}: INTERNAL: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
