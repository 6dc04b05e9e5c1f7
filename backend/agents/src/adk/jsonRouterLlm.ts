// Root's model when the model cannot call tools (the embedded SmolLM2 via node-llama-cpp): one constrained
// completion whose grammar (built from a JSON schema) only admits {"route":"docs"|"dev"|"projects"}, turned into
// the function call ADK expects — transfer_to_agent(docs|dev) or find_projects(). The model only classifies; the
// project list it leads to is rendered from the tool's result, not generated.
import type { BaseLlmConnection, LlmRequest, LlmResponse } from "@google/adk";
import { BaseLlm } from "@google/adk";
import type { Llm } from "@isa/core";
import { AppError } from "@isa/core";
import {
  callResponse,
  latestResponses,
  questionOfRequest,
  TRANSFER_TOOL,
  textResponse,
} from "./policyLlm.js";
import { TOOL_NAMES } from "./tools.js";

export const ROUTES = ["docs", "dev", "projects"] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_SCHEMA = {
  type: "object",
  properties: { route: { type: "string", enum: [...ROUTES] } },
  required: ["route"],
  additionalProperties: false,
} as const;

export const ROUTER_PROMPT =
  "Route each question about a software company to one helper and reply with JSON only. docs: policies, " +
  "handbooks, how-to guides, processes, runbooks. dev: source code, functions, files, configuration, ports, " +
  "settings. projects: which projects or repositories exist and who owns them.";

/** Few-shot turns: a tiny model follows worked examples far better than a description. */
export const ROUTER_EXAMPLES: readonly (readonly [string, Route])[] = [
  ["Which projects do we have?", "projects"],
  ["How many vacation days do I get?", "docs"],
  ["Which port does the server listen on in the code?", "dev"],
  ["Who owns the payments repository?", "projects"],
  ["What is the process to request a new laptop?", "docs"],
  ["What does the function parseConfig return?", "dev"],
];

/** Parse the constrained completion; the grammar makes anything else a broken model or server. */
export function parseRoute(text: string): Route {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  const route = (v as { route?: unknown } | undefined)?.route;
  if (typeof route === "string" && (ROUTES as readonly string[]).includes(route)) return route as Route;
  throw new AppError("LLM_BAD_RESPONSE", "The routing model did not answer with a route.", {
    details: { text: text.slice(0, 200) },
  });
}

interface ProjectView {
  name?: unknown;
  description?: unknown;
  owners?: unknown;
  source?: unknown;
  path?: unknown;
}

/** The catalog result as a short list (deterministic text, no generation). */
export function renderProjects(response: Record<string, unknown>): string {
  const list = Array.isArray(response.projects) ? (response.projects as ProjectView[]) : [];
  if (list.length === 0) return "I found no projects you can see in the catalog.";
  const lines = list.map((p) => {
    const owners = Array.isArray(p.owners) && p.owners.length > 0 ? ` (owners: ${p.owners.join(", ")})` : "";
    const where = `${String(p.source ?? "")}${p.path ? `/${String(p.path)}` : ""}`;
    const desc = typeof p.description === "string" && p.description !== "" ? ` — ${p.description}` : "";
    return `- ${String(p.name ?? "?")}${owners}: ${where}${desc}`;
  });
  return `Projects you can see:\n${lines.join("\n")}`;
}

export class JsonRouterLlm extends BaseLlm {
  readonly #llm: Llm;

  constructor(llm: Llm) {
    super({ model: `${llm.modelId}+json-route` });
    if (!llm.supports?.jsonSchema) {
      throw new AppError(
        "CONFIG_INVALID",
        `The model ${llm.modelId} cannot constrain output to a JSON schema.`,
      );
    }
    this.#llm = llm;
  }

  /** The model's route for a question (one constrained completion). */
  async route(question: string, signal?: AbortSignal): Promise<Route> {
    let text = "";
    for await (const d of this.#llm.stream({
      messages: [
        { role: "system", content: ROUTER_PROMPT },
        ...ROUTER_EXAMPLES.flatMap(([q, r]) => [
          { role: "user" as const, content: q },
          { role: "assistant" as const, content: JSON.stringify({ route: r }) },
        ]),
        { role: "user", content: question },
      ],
      jsonSchema: ROUTE_SCHEMA,
      maxTokens: 24,
      temperature: 0,
      ...(signal ? { signal } : {}),
    })) {
      if (d.type === "token") text += d.text;
    }
    return parseRoute(text.trim());
  }

  async *generateContentAsync(
    req: LlmRequest,
    _stream?: boolean,
    abortSignal?: AbortSignal,
  ): AsyncGenerator<LlmResponse, void> {
    for (const r of latestResponses(req)) {
      if (r.name === TOOL_NAMES.projects) {
        yield textResponse(renderProjects((r.response ?? {}) as Record<string, unknown>));
        return;
      }
    }
    const route = await this.route(questionOfRequest(req), abortSignal);
    yield route === "projects"
      ? callResponse(TOOL_NAMES.projects, {})
      : callResponse(TRANSFER_TOOL, { agentName: route });
  }

  connect(): Promise<BaseLlmConnection> {
    throw new AppError("CONFIG_INVALID", "Live (bidirectional) connections are not supported.");
  }
}
