// Test doubles that speak real HTTP on 127.0.0.1: a recording Slack Web API (and response_url endpoint), a fake
// backend speaking the /v1 API (SSE ask), and Slack request signing. Excluded from the build (test-only).
import { createHmac } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<Listening & { server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => handler(req, body, res));
  });
  return { server, ...(await listenOn(server, "")) };
}

/** A Bolt HTTP receiver on 127.0.0.1:0; `url` is its Events API endpoint. */
export function listenBot(receiver: { requestListener: RequestListener }): Promise<Listening> {
  return listenOn(createServer(receiver.requestListener), "/slack/events");
}

async function listenOn(server: Server, pathname: string): Promise<Listening> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${pathname}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface SlackCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** What the fake answered (e.g. the `ts` of a posted message). */
  result?: Record<string, unknown>;
}

/** Form fields that carry JSON (blocks, …) are parsed back so tests compare structures. */
function parseArgs(req: IncomingMessage, body: string): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export interface FakeSlack extends Listening {
  readonly apiUrl: string;
  readonly calls: SlackCall[];
  /** Messages `conversations.replies` returns. */
  replies: Record<string, unknown>[];
  /** Calls other than auth.test (and apps.connections.open). */
  apiCalls(): SlackCall[];
  /** Canned answers for other Web API methods, by method name. */
  extra: Record<string, Record<string, unknown>>;
}

export async function fakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  let n = 0;
  const state = {
    replies: [] as Record<string, unknown>[],
    extra: {} as Record<string, Record<string, unknown>>,
  };
  const l = await listen((req, body, res) => {
    const method = (req.url ?? "").replace(/^\/api\//, "").replace(/\?.*$/, "");
    const args = parseArgs(req, body);
    const call: SlackCall = { method, args };
    calls.push(call);
    res.writeHead(200, { "content-type": "application/json" });
    if (state.extra[method]) {
      call.result = state.extra[method];
    } else if (method === "auth.test") {
      call.result = { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1", user: "isa" };
    } else if (method === "users.info") {
      const user = String(args.user);
      call.result = {
        ok: true,
        user: { id: user, profile: { email: `${user.slice(1).toLowerCase()}@Example.com` } },
      };
    } else if (method === "conversations.replies") {
      call.result = { ok: true, messages: state.replies };
    } else {
      n += 1;
      call.result = { ok: true, ts: `1700000100.${String(n).padStart(6, "0")}`, channel: args.channel };
    }
    res.end(JSON.stringify(call.result));
  });
  return {
    ...l,
    apiUrl: `${l.url}/api/`,
    calls,
    get replies() {
      return state.replies;
    },
    set replies(v) {
      state.replies = v;
    },
    get extra() {
      return state.extra;
    },
    set extra(v) {
      state.extra = v;
    },
    apiCalls: () => calls.filter((c) => c.method !== "auth.test" && c.method !== "apps.connections.open"),
  };
}

export const TRACE = "0123456789abcdef0123456789abcdef";

export const sampleAnswer = {
  answer: "Run `vault rotate staging-db` [1].",
  citations: [
    {
      n: 1,
      chunkId: "c1",
      docId: "d1",
      source: "handbook",
      path: "ops/db.md",
      title: "Database operations",
      headingPath: ["Database operations"],
      startLine: 3,
      endLine: 9,
      score: 0.82,
    },
  ],
  abstained: false,
  closest: [],
  traceId: TRACE,
};

export const sampleProjects = [
  {
    name: "billing",
    source: "acme",
    path: "services/billing",
    description: "Invoices & payments",
    owners: ["team-billing"],
    docs: ["services/billing/README.md"],
    from: "catalog-info",
  },
];

/** GET /v1/owners's default answer: the billing project's catalog owner and its CODEOWNERS rule. */
export const sampleOwners = {
  owners: [
    {
      owner: "@acme/billing-devs",
      source: "codeowners",
      rule: "/services/billing/",
      file: "CODEOWNERS",
      repo: "acme",
    },
    {
      owner: "team-billing",
      source: "catalog",
      rule: "component:billing",
      file: "services/billing/catalog-info.yaml",
      repo: "acme",
    },
  ],
  project: { name: "billing", source: "acme", path: "services/billing" },
};

/** A conversation id the fake API no longer knows (answers 404 NOT_FOUND when sent). */
export const EXPIRED_CONVERSATION = "c_ExpiredExpiredExpired0";

export interface BackendCall {
  readonly path: string;
  readonly token: string;
  readonly body: unknown;
}

export interface FakeBackend extends Listening {
  readonly calls: BackendCall[];
  /** Tokens streamed before the answer, a few ms apart. */
  tokens: string[];
  /** The answer event's payload (default: sampleAnswer). */
  answer: Record<string, unknown>;
  /** GET /v1/owners's answer (default: sampleOwners). */
  owners: Record<string, unknown>;
}

export async function fakeBackend(): Promise<FakeBackend> {
  const calls: BackendCall[] = [];
  const state = {
    tokens: ["Run ", "`vault rotate staging-db` ", "[1]."],
    answer: sampleAnswer as Record<string, unknown>,
    owners: sampleOwners as Record<string, unknown>,
  };
  const l = await listen((req, body, res) => {
    calls.push({
      path: req.url ?? "",
      token: (req.headers.authorization ?? "").replace(/^Bearer /, ""),
      body: body ? JSON.parse(body) : undefined,
    });
    if ((req.url ?? "").startsWith("/v1/projects")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ projects: sampleProjects }));
      return;
    }
    if ((req.url ?? "").startsWith("/v1/owners")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(state.owners));
      return;
    }
    if (req.url === "/v1/ask" && body && JSON.parse(body).conversationId === EXPIRED_CONVERSATION) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "NOT_FOUND", message: "No such conversation." } }));
      return;
    }
    if (req.url === "/v1/feedback") {
      res.writeHead(201, { "content-type": "application/json" });
      res.end('{"recorded":true}');
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const tokens = [...state.tokens];
    const tick = () => {
      const t = tokens.shift();
      if (t === undefined) {
        res.end(`event: answer\ndata: ${JSON.stringify(state.answer)}\n\n`);
        return;
      }
      res.write(`event: token\ndata: ${JSON.stringify({ text: t })}\n\n`);
      setTimeout(tick, 15);
    };
    tick();
  });
  return {
    ...l,
    calls,
    get tokens() {
      return state.tokens;
    },
    set tokens(v) {
      state.tokens = v;
    },
    get answer() {
      return state.answer;
    },
    set answer(v) {
      state.answer = v;
    },
    get owners() {
      return state.owners;
    },
    set owners(v) {
      state.owners = v;
    },
  };
}

/** Slack's v0 signature of `v0:{ts}:{body}`. */
export function signedHeaders(opts: {
  secret: string;
  body: string;
  contentType: string;
  timestamp?: number;
}): Record<string, string> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const sig = createHmac("sha256", opts.secret).update(`v0:${ts}:${opts.body}`).digest("hex");
  return {
    "content-type": opts.contentType,
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": `v0=${sig}`,
  };
}

let eventSeq = 0;

/** POSTs a signed Events API envelope around `event` (a fresh event_id unless given). */
export function postSignedEvent(
  url: string,
  event: Record<string, unknown>,
  opts: { secret: string; eventId?: string; headers?: Record<string, string>; timestamp?: number },
): Promise<Response> {
  eventSeq += 1;
  const body = JSON.stringify({
    token: "x",
    team_id: "T1",
    api_app_id: "A1",
    type: "event_callback",
    event_id: opts.eventId ?? `Ev${eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
  const signed = signedHeaders({
    secret: opts.secret,
    body,
    contentType: "application/json",
    ...(opts.timestamp === undefined ? {} : { timestamp: opts.timestamp }),
  });
  return fetch(url, { method: "POST", headers: { ...signed, ...opts.headers }, body });
}

/** POSTs signed form fields (slash commands; interactivity as `payload`). */
export function postSignedForm(
  url: string,
  secret: string,
  fields: Record<string, string>,
): Promise<Response> {
  const body = new URLSearchParams(fields).toString();
  return fetch(url, {
    method: "POST",
    headers: signedHeaders({ secret, body, contentType: "application/x-www-form-urlencoded" }),
    body,
  });
}

/** A slash command's form fields as Slack POSTs them (workspace T1). */
export function slashCommandForm(o: {
  command: string;
  text: string;
  user: string;
  channel: string;
  responseUrl: string;
}): Record<string, string> {
  return {
    command: o.command,
    text: o.text,
    user_id: o.user,
    channel_id: o.channel,
    team_id: "T1",
    response_url: o.responseUrl,
    trigger_id: "1.2.3",
  };
}

/** A button click on a message (block_actions, workspace T1) as the `payload` form field Slack POSTs.
 * `container` adds to the message container (e.g. is_ephemeral); `message` is the clicked message, when sent. */
export function buttonClickForm(o: {
  user: string;
  channel: string;
  messageTs: string;
  responseUrl: string;
  actionId: string;
  blockId: string;
  value: string;
  container?: Record<string, unknown>;
  message?: Record<string, unknown>;
}): Record<string, string> {
  return {
    payload: JSON.stringify({
      type: "block_actions",
      team: { id: "T1" },
      user: { id: o.user },
      api_app_id: "A1",
      channel: { id: o.channel },
      container: { type: "message", message_ts: o.messageTs, channel_id: o.channel, ...o.container },
      ...(o.message ? { message: o.message } : {}),
      response_url: o.responseUrl,
      trigger_id: "1.2.3",
      actions: [{ type: "button", action_id: o.actionId, block_id: o.blockId, value: o.value }],
    }),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
