import { describe, expect, it } from "vitest";
import { apiClientsFromConfig, audienceFor, tokenFor, userDirectory } from "./audience.js";
import { loadBotConfig, normalizeGroups } from "./config.js";
import { createDeduper } from "./dedupe.js";

const FILE = `
channels:
  CENG: [engineering]
users:
  UALICE: [engineering, security]
audiences:
  - groups: [public]
    tokenEnv: ISA_TOKEN_PUBLIC
  - groups: [engineering]
    tokenEnv: ISA_TOKEN_ENG
`;

const env = {
  SLACK_SIGNING_SECRET: "s",
  SLACK_BOT_TOKEN: "xoxb-1",
  ISA_BOT_CONFIG: "/etc/isa-bot.yaml",
  ISA_TOKEN_PUBLIC: "tp",
  ISA_TOKEN_ENG: "te",
};

describe("loadBotConfig", () => {
  it("reads the environment and the mapping file, resolving tokens by variable name", () => {
    const c = loadBotConfig(env, () => FILE);
    expect(c.audiences).toEqual([
      { groups: ["public"], token: "tp" },
      { groups: ["engineering", "public"], token: "te" },
    ]);
    expect(c.channels).toEqual({ CENG: ["engineering"] });
    expect(c.apiUrl).toBe("http://127.0.0.1:8080");
    expect(c.updateIntervalMs).toBe(1000);
    expect(c.vscodeUriScheme).toBe("vscode");
    expect(loadBotConfig({ ...env, VSCODE_URI_SCHEME: "vscode-insiders" }, () => FILE).vscodeUriScheme).toBe(
      "vscode-insiders",
    );
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("fails naming the variable", () => {
    expect(() => loadBotConfig({ ...env, SLACK_BOT_TOKEN: "xoxp-1" }, () => FILE)).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => loadBotConfig({ ...env, ISA_TOKEN_ENG: undefined }, () => FILE)).toThrow(/ISA_TOKEN_ENG/);
    expect(() => loadBotConfig(env, () => "audiences: []")).toThrow(/ISA_BOT_CONFIG/);
    expect(() => loadBotConfig({ ...env, VSCODE_URI_SCHEME: "javascript:alert(1)//" }, () => FILE)).toThrow(
      /VSCODE_URI_SCHEME/,
    );
    expect(() => loadBotConfig({ ...env, SLACK_SIGNING_SECRET: undefined }, () => FILE)).toThrow(
      /SLACK_SIGNING_SECRET/,
    );
    const socket = loadBotConfig(
      { ...env, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: "xapp-1" },
      () => FILE,
    );
    expect(socket.appToken).toBe("xapp-1");
    expect(() => loadBotConfig(env, () => `${FILE}\nextra: 1`)).toThrow(/ISA_BOT_CONFIG/);
  });
});

describe("audiences", () => {
  const config = loadBotConfig(env, () => FILE);

  it("normalizes groups", () => {
    expect(normalizeGroups(["b", "a", "b"])).toEqual(["a", "b", "public"]);
  });

  it("uses the channel's groups in channels (unmapped: public) and the user's in DMs", () => {
    expect(audienceFor(config, { channel: "CENG", user: "UALICE" }).groups).toEqual([
      "engineering",
      "public",
    ]);
    expect(audienceFor(config, { channel: "COTHER", user: "UALICE" }).groups).toEqual(["public"]);
    expect(audienceFor(config, { channel: "D1", user: "UALICE" }).groups).toEqual([
      "engineering",
      "public",
      "security",
    ]);
    expect(audienceFor(config, { channel: "C9", user: "UALICE", channelType: "im" }).kind).toBe("user");
  });

  it("never picks a token with more access than the audience", () => {
    const eng = audienceFor(config, { channel: "CENG", user: "U" });
    expect(tokenFor(config, eng)).toBe("te");
    // Alice's DM: no token for engineering+security, so the largest subset (engineering) is used.
    expect(tokenFor(config, audienceFor(config, { channel: "D1", user: "UALICE" }))).toBe("te");
    expect(tokenFor(config, audienceFor(config, { channel: "C2", user: "U" }))).toBe("tp");
    expect(() =>
      tokenFor(
        { audiences: [{ groups: ["engineering", "public"], token: "x" }] },
        { kind: "channel", id: "C", groups: ["public"] },
      ),
    ).toThrow(/No API token/);
    const clients = apiClientsFromConfig(config);
    expect(clients(eng)).toBe(clients(eng));
  });
});

describe("userDirectory", () => {
  it("maps by Slack id, else by email (cached), else to no groups", async () => {
    let lookups = 0;
    const groupsOf = userDirectory({ users: { U1: ["a"], "bo@x.io": ["b"] } }, async (u) => {
      lookups++;
      if (u === "UERR") throw new Error("users.info failed");
      return u === "UBO" ? "Bo@X.io".toLowerCase() : undefined;
    });
    expect(await groupsOf("U1")).toEqual(["a"]);
    expect(await groupsOf("UBO")).toEqual(["b"]);
    expect(await groupsOf("UBO")).toEqual(["b"]);
    expect(await groupsOf("UERR")).toEqual([]);
    expect(await groupsOf("UX")).toEqual([]);
    expect(lookups).toBe(3);
    expect(await userDirectory({ users: { U1: ["a"] } }, async () => "x@y")("U2")).toEqual([]);
  });
});

describe("createDeduper", () => {
  it("remembers ids for the window only", () => {
    let t = 0;
    const d = createDeduper({ ttlMs: 100, now: () => t });
    expect(d.first("a")).toBe(true);
    expect(d.first("a")).toBe(false);
    t = 150;
    expect(d.first("a")).toBe(true);
  });
});
