// A typed test double of the `vscode` module: the part of the API the extension uses, each piece checked against
// @types/vscode (classes `implements` the real interfaces; namespaces `satisfies Partial<typeof vscode.x>`), so an
// API change that breaks the extension breaks the typecheck here too. Vitest resolves `vscode` to this file for
// modules under vscode-extension/ only (vitest.config.ts). What the extension registers and shows is recorded in
// `state` for tests to inspect; `reset()` starts over. Files are real: workspace.fs.stat reads the disk.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as vscode from "vscode";

// ---------------------------------------------------------------- basics

export class Disposable implements vscode.Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const i of items) i.dispose();
    });
  }
  constructor(private readonly fn: () => unknown) {}
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> implements vscode.EventEmitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  readonly event: vscode.Event<T> = (listener, thisArgs, disposables) => {
    const fn = (e: T) => listener.call(thisArgs, e);
    this.listeners.add(fn);
    const d = new Disposable(() => this.listeners.delete(fn));
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };
  fire(data: T): void {
    for (const l of [...this.listeners]) l(data);
  }
  dispose(): void {
    this.listeners.clear();
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class CancellationTokenSource implements vscode.CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  private cancelled = false;
  readonly token: vscode.CancellationToken = {
    isCancellationRequested: false,
    onCancellationRequested: this.emitter.event,
  };
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    (this.token as { isCancellationRequested: boolean }).isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class Uri implements vscode.Uri {
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(
      u.protocol.replace(/:$/, ""),
      u.host,
      decodeURIComponent(u.pathname),
      u.search.replace(/^\?/, ""),
      u.hash.replace(/^#/, ""),
    );
  }
  static file(p: string): Uri {
    return new Uri("file", "", path.resolve(p), "", "");
  }
  static joinPath(base: vscode.Uri, ...segments: string[]): Uri {
    return new Uri(
      base.scheme,
      base.authority,
      path.posix.join(base.path, ...segments),
      base.query,
      base.fragment,
    );
  }
  static from(c: {
    scheme: string;
    authority?: string;
    path?: string;
    query?: string;
    fragment?: string;
  }): Uri {
    return new Uri(c.scheme, c.authority ?? "", c.path ?? "", c.query ?? "", c.fragment ?? "");
  }
  constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  get fsPath(): string {
    return this.path;
  }
  with(change: {
    scheme?: string;
    authority?: string;
    path?: string;
    query?: string;
    fragment?: string;
  }): Uri {
    return new Uri(
      change.scheme ?? this.scheme,
      change.authority ?? this.authority,
      change.path ?? this.path,
      change.query ?? this.query,
      change.fragment ?? this.fragment,
    );
  }
  toString(skipEncoding?: boolean): string {
    if (this.scheme === "file") return pathToFileURL(this.path).toString();
    const q = this.query ? `?${this.query}` : "";
    const f = this.fragment ? `#${this.fragment}` : "";
    const p = skipEncoding ? this.path : this.path.split("/").map(encodeURIComponent).join("/");
    return `${this.scheme}://${this.authority}${p}${q}${f}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query };
  }
}

export class Position implements vscode.Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  compareTo(o: vscode.Position): number {
    return this.line - o.line || this.character - o.character;
  }
  isBefore(o: vscode.Position): boolean {
    return this.compareTo(o) < 0;
  }
  isBeforeOrEqual(o: vscode.Position): boolean {
    return this.compareTo(o) <= 0;
  }
  isAfter(o: vscode.Position): boolean {
    return this.compareTo(o) > 0;
  }
  isAfterOrEqual(o: vscode.Position): boolean {
    return this.compareTo(o) >= 0;
  }
  isEqual(o: vscode.Position): boolean {
    return this.compareTo(o) === 0;
  }
  translate(a?: number | { lineDelta?: number; characterDelta?: number }, b?: number): Position {
    const d = typeof a === "object" ? a : { lineDelta: a ?? 0, characterDelta: b ?? 0 };
    return new Position(this.line + (d.lineDelta ?? 0), this.character + (d.characterDelta ?? 0));
  }
  with(a?: number | { line?: number; character?: number }, b?: number): Position {
    const c = typeof a === "object" ? a : { line: a ?? this.line, character: b ?? this.character };
    return new Position(c.line ?? this.line, c.character ?? this.character);
  }
}

export class Range implements vscode.Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number | vscode.Position, b: number | vscode.Position, c?: number, d?: number) {
    const s = typeof a === "number" ? new Position(a, b as number) : new Position(a.line, a.character);
    const e =
      typeof a === "number"
        ? new Position(c ?? 0, d ?? 0)
        : new Position((b as vscode.Position).line, (b as vscode.Position).character);
    [this.start, this.end] = s.isAfter(e) ? [e, s] : [s, e];
  }
  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }
  get isSingleLine(): boolean {
    return this.start.line === this.end.line;
  }
  contains(p: vscode.Position | vscode.Range): boolean {
    if ("start" in p) return this.contains(p.start) && this.contains(p.end);
    return this.start.isBeforeOrEqual(p) && this.end.isAfterOrEqual(p);
  }
  isEqual(o: vscode.Range): boolean {
    return this.start.isEqual(o.start) && this.end.isEqual(o.end);
  }
  intersection(o: vscode.Range): Range | undefined {
    const s = this.start.isAfter(o.start) ? this.start : o.start;
    const e = this.end.isBefore(o.end) ? this.end : o.end;
    return s.isAfter(e) ? undefined : new Range(s, e);
  }
  union(o: vscode.Range): Range {
    return new Range(
      this.start.isBefore(o.start) ? this.start : o.start,
      this.end.isAfter(o.end) ? this.end : o.end,
    );
  }
  with(a?: vscode.Position | { start?: vscode.Position; end?: vscode.Position }, b?: vscode.Position): Range {
    const c = a && "line" in a ? { start: a, end: b } : (a ?? {});
    return new Range(c.start ?? this.start, c.end ?? this.end);
  }
}

export class Selection extends Range {}

export class Location implements vscode.Location {
  readonly range: Range;
  constructor(
    readonly uri: vscode.Uri,
    rangeOrPosition: vscode.Range | vscode.Position,
  ) {
    this.range =
      "start" in rangeOrPosition
        ? new Range(rangeOrPosition.start, rangeOrPosition.end)
        : new Range(rangeOrPosition, rangeOrPosition);
  }
}

export class ThemeColor implements vscode.ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString implements vscode.MarkdownString {
  isTrusted?: boolean | { readonly enabledCommands: readonly string[] };
  supportHtml?: boolean;
  baseUri?: vscode.Uri;
  constructor(
    public value = "",
    public supportThemeIcons = false,
  ) {}
  appendText(v: string): MarkdownString {
    this.value += v.replace(/[\\`*_{}[\]()#+\-.!]/g, "\\$&");
    return this;
  }
  appendMarkdown(v: string): MarkdownString {
    this.value += v;
    return this;
  }
  appendCodeblock(v: string, language = ""): MarkdownString {
    this.value += `\n\`\`\`${language}\n${v}\n\`\`\`\n`;
    return this;
  }
}

export class CodeLens implements vscode.CodeLens {
  constructor(
    public range: vscode.Range,
    public command?: vscode.Command,
  ) {}
  get isResolved(): boolean {
    return this.command !== undefined;
  }
}

export class Hover implements vscode.Hover {
  contents: Array<vscode.MarkdownString | vscode.MarkedString>;
  constructor(
    contents:
      | vscode.MarkdownString
      | vscode.MarkedString
      | Array<vscode.MarkdownString | vscode.MarkedString>,
    public range?: vscode.Range,
  ) {
    this.contents = Array.isArray(contents) ? contents : [contents];
  }
}

export enum FileType {
  Unknown = 0,
  File = 1,
  Directory = 2,
  SymbolicLink = 64,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

/** One withProgress call: what it reported, and the user's Cancel button. */
export interface FakeProgress {
  readonly options: vscode.ProgressOptions;
  readonly reports: { message?: string; increment?: number }[];
  /** Clicks Cancel (only offered when the options say `cancellable`). */
  cancel(): void;
  done: boolean;
}

export enum ChatResultFeedbackKind {
  Unhelpful = 0,
  Helpful = 1,
}

export class McpStdioServerDefinition implements vscode.McpStdioServerDefinition {
  cwd?: vscode.Uri;
  constructor(
    readonly label: string,
    public command: string,
    public args: string[] = [],
    public env: Record<string, string | number | null> = {},
    readonly version?: string,
  ) {}
}

export class McpHttpServerDefinition implements vscode.McpHttpServerDefinition {
  constructor(
    readonly label: string,
    public uri: vscode.Uri,
    public headers: Record<string, string> = {},
    readonly version?: string,
  ) {}
}

export class ChatResponseMarkdownPart implements vscode.ChatResponseMarkdownPart {
  value: vscode.MarkdownString;
  constructor(value: string | vscode.MarkdownString) {
    this.value = typeof value === "string" ? new MarkdownString(value) : value;
  }
}

/** Built by tests to give a participant history (the real classes have private constructors). */
export class ChatRequestTurn implements vscode.ChatRequestTurn {
  readonly references: vscode.ChatPromptReference[] = [];
  readonly toolReferences: readonly vscode.ChatLanguageModelToolReference[] = [];
  constructor(
    readonly prompt: string,
    readonly participant: string,
    readonly command?: string,
  ) {}
}

export class ChatResponseTurn implements vscode.ChatResponseTurn {
  constructor(
    readonly response: ReadonlyArray<ChatResponseMarkdownPart>,
    readonly result: vscode.ChatResult,
    readonly participant: string,
    readonly command?: string,
  ) {}
}

// ---------------------------------------------------------------- recorded state

export interface FakeParticipant extends vscode.ChatParticipant {
  readonly handler: vscode.ChatRequestHandler;
  /** Fires the participant's onDidReceiveFeedback. */
  feedback(e: vscode.ChatResultFeedback): void;
}

/** Settings whose workspace values VS Code ignores in Restricted Mode: the manifest's restrictedConfigurations. Read
 * on first use; none where there is no manifest to read (the activation bench bundles this file as CJS). */
let restricted: Set<string> | undefined;
function restrictedSettings(): Set<string> {
  if (!restricted) {
    try {
      const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
        capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
      };
      restricted = new Set(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? []);
    } catch {
      restricted = new Set();
    }
  }
  return restricted;
}

export const state = {
  /** User settings (keys without the `innersource.` section). */
  config: new Map<string, unknown>(),
  /** Workspace settings (`.vscode/settings.json`): they win over user settings, except restricted ones while the
   * workspace is untrusted. */
  workspaceConfig: new Map<string, unknown>(),
  configEvents: new EventEmitter<vscode.ConfigurationChangeEvent>(),
  folders: [] as vscode.WorkspaceFolder[],
  folderEvents: new EventEmitter<vscode.WorkspaceFoldersChangeEvent>(),
  closeEvents: new EventEmitter<vscode.TextDocument>(),
  trusted: true,
  trustEvents: new EventEmitter<void>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as { command: string; args: unknown[] }[],
  webviewProviders: new Map<string, vscode.WebviewViewProvider>(),
  resolvedViews: new Map<string, FakeWebviewView>(),
  codeLensProviders: [] as { selector: vscode.DocumentSelector; provider: vscode.CodeLensProvider }[],
  hoverProviders: [] as { selector: vscode.DocumentSelector; provider: vscode.HoverProvider }[],
  mcpProviders: new Map<string, vscode.McpServerDefinitionProvider>(),
  uriHandlers: [] as vscode.UriHandler[],
  participants: new Map<string, FakeParticipant>(),
  statusItems: [] as vscode.StatusBarItem[],
  messages: [] as { level: "info" | "warning" | "error"; text: string }[],
  shownDocuments: [] as { uri: vscode.Uri; options?: vscode.TextDocumentShowOptions }[],
  opened: [] as vscode.Uri[],
  /** Answers for showInputBox / showQuickPick, taken in order (undefined = the user pressed Escape). */
  inputAnswers: [] as (string | undefined)[],
  quickPickAnswers: [] as number[],
  /** The button clicked on the next notification that offers buttons (undefined or missing = dismissed). */
  messageAnswers: [] as (string | undefined)[],
  progress: [] as FakeProgress[],
  clipboard: "",
  activeTextEditor: undefined as vscode.TextEditor | undefined,
  logs: [] as { level: string; message: string }[],
};

/** Back to an empty workbench (call in beforeEach). */
export function reset(): void {
  state.config.clear();
  state.workspaceConfig.clear();
  state.folders = [];
  for (const k of [
    "commands",
    "webviewProviders",
    "resolvedViews",
    "mcpProviders",
    "participants",
  ] as const) {
    state[k].clear();
  }
  state.executed = [];
  state.codeLensProviders = [];
  state.hoverProviders = [];
  state.uriHandlers = [];
  state.statusItems = [];
  state.messages = [];
  state.shownDocuments = [];
  state.opened = [];
  state.inputAnswers = [];
  state.quickPickAnswers = [];
  state.messageAnswers = [];
  state.progress = [];
  state.clipboard = "";
  state.activeTextEditor = undefined;
  state.logs = [];
  state.trusted = true;
}

/** Grants workspace trust (Restricted Mode ends), as the user's "Trust" click does. */
export function grantTrust(): void {
  state.trusted = true;
  state.trustEvents.fire();
}

/** Sets `innersource.*` settings (keys without the section) and fires the change event. */
export function setConfig(values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) state.config.set(k, v);
  state.configEvents.fire({
    affectsConfiguration: (s: string) => s === "innersource" || s.startsWith("innersource."),
  });
}

/** Sets workspace-level `innersource.*` settings (a folder's `.vscode/settings.json`) and fires the change event. */
export function setWorkspaceConfig(values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) state.workspaceConfig.set(k, v);
  state.configEvents.fire({
    affectsConfiguration: (s: string) => s === "innersource" || s.startsWith("innersource."),
  });
}

function configValue(k: string): { found: boolean; value?: unknown } {
  const full = k.startsWith("innersource.") ? k : `innersource.${k}`;
  if (state.workspaceConfig.has(k) && (state.trusted || !restrictedSettings().has(full))) {
    return { found: true, value: state.workspaceConfig.get(k) };
  }
  return state.config.has(k) ? { found: true, value: state.config.get(k) } : { found: false };
}

export function setWorkspaceFolders(dirs: readonly string[]): void {
  const before = state.folders;
  state.folders = dirs.map((d, index) => ({ uri: Uri.file(d), name: path.basename(d), index }));
  state.folderEvents.fire({ added: state.folders, removed: before });
}

// ---------------------------------------------------------------- fakes the tests drive

export class FakeWebview implements vscode.Webview {
  options: vscode.WebviewOptions = {};
  html = "";
  readonly cspSource = "https://file+.vscode-resource.vscode-cdn.net";
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  /** Where posted messages also go (the Chromium test bridges them into a page). */
  onPost: ((m: unknown) => void) | undefined;
  postMessage(message: unknown): Thenable<boolean> {
    this.posted.push(message);
    this.onPost?.(message);
    return Promise.resolve(true);
  }
  asWebviewUri(uri: vscode.Uri): vscode.Uri {
    return Uri.from({ scheme: "https", authority: "file+.vscode-resource.vscode-cdn.net", path: uri.path });
  }
  /** As if the webview script called postMessage. */
  deliver(message: unknown): void {
    this.received.fire(message);
  }
}

export class FakeWebviewView implements vscode.WebviewView {
  readonly webview = new FakeWebview();
  title?: string;
  description?: string;
  badge?: vscode.ViewBadge;
  visible = true;
  private readonly disposed = new EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private readonly visibility = new EventEmitter<void>();
  readonly onDidChangeVisibility = this.visibility.event;
  constructor(readonly viewType: string) {}
  show(): void {
    this.visible = true;
  }
  dispose(): void {
    this.disposed.fire();
  }
}

export class FakeTextDocument implements vscode.TextDocument {
  readonly isUntitled = false;
  readonly encoding = "utf8";
  readonly eol = 1 as vscode.EndOfLine;
  readonly isDirty = false;
  readonly isClosed = false;
  constructor(
    readonly uri: vscode.Uri,
    private text: string,
    readonly languageId: string,
    public version = 1,
  ) {}
  get fileName(): string {
    return this.uri.fsPath;
  }
  get lineCount(): number {
    return this.lines().length;
  }
  /** An edit: new text, next version. */
  edit(text: string): void {
    this.text = text;
    this.version++;
  }
  private lines(): string[] {
    return this.text.split(/\r?\n/);
  }
  save(): Thenable<boolean> {
    return Promise.resolve(true);
  }
  lineAt(lineOrPos: number | vscode.Position): vscode.TextLine {
    const n = typeof lineOrPos === "number" ? lineOrPos : lineOrPos.line;
    const text = this.lines()[n] ?? "";
    const range = new Range(n, 0, n, text.length);
    return {
      lineNumber: n,
      text,
      range,
      rangeIncludingLineBreak: range,
      firstNonWhitespaceCharacterIndex: text.search(/\S|$/),
      isEmptyOrWhitespace: text.trim() === "",
    };
  }
  offsetAt(p: vscode.Position): number {
    const lines = this.lines();
    let off = 0;
    for (let i = 0; i < p.line; i++) off += (lines[i]?.length ?? 0) + 1;
    return off + p.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split("\n");
    return new Position(before.length - 1, before.at(-1)?.length ?? 0);
  }
  getText(range?: vscode.Range): string {
    if (!range) return this.text;
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }
  getWordRangeAtPosition(p: vscode.Position, regex = /\w+/): Range | undefined {
    const line = this.lines()[p.line] ?? "";
    const re = new RegExp(regex.source, regex.flags.includes("g") ? regex.flags : `${regex.flags}g`);
    for (const m of line.matchAll(re)) {
      const s = m.index ?? 0;
      if (p.character >= s && p.character <= s + m[0].length)
        return new Range(p.line, s, p.line, s + m[0].length);
    }
    return undefined;
  }
  validateRange(r: vscode.Range): vscode.Range {
    return r;
  }
  validatePosition(p: vscode.Position): vscode.Position {
    return p;
  }
}

/** Records what a participant streams. */
export class RecordingChatStream implements vscode.ChatResponseStream {
  readonly parts: (
    | { kind: "markdown"; value: string }
    | { kind: "anchor"; value: vscode.Uri | vscode.Location; title?: string | undefined }
    | { kind: "reference"; value: vscode.Uri | vscode.Location | unknown }
    | { kind: "progress"; value: string }
    | { kind: "other" }
  )[] = [];
  markdown(value: string | vscode.MarkdownString): void {
    this.parts.push({ kind: "markdown", value: typeof value === "string" ? value : value.value });
  }
  anchor(value: vscode.Uri | vscode.Location, title?: string): void {
    this.parts.push({ kind: "anchor", value, title });
  }
  button(_command: vscode.Command): void {
    this.parts.push({ kind: "other" });
  }
  filetree(_value: vscode.ChatResponseFileTree[], _baseUri: vscode.Uri): void {
    this.parts.push({ kind: "other" });
  }
  progress(value: string): void {
    this.parts.push({ kind: "progress", value });
  }
  reference(value: vscode.Uri | vscode.Location, _iconPath?: vscode.IconPath): void {
    this.parts.push({ kind: "reference", value });
  }
  push(_part: vscode.ChatResponsePart): void {
    this.parts.push({ kind: "other" });
  }
  /** All markdown text, concatenated. */
  get text(): string {
    return this.parts.map((p) => (p.kind === "markdown" ? p.value : "")).join("");
  }
}

class MemoryMemento implements vscode.Memento {
  private readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.data.has(key) ? (structuredClone(this.data.get(key)) as T) : defaultValue;
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

class MemorySecrets implements vscode.SecretStorage {
  private readonly data = new Map<string, string>();
  private readonly changed = new EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;
  get(key: string): Thenable<string | undefined> {
    return Promise.resolve(this.data.get(key));
  }
  keys(): Thenable<string[]> {
    return Promise.resolve([...this.data.keys()]);
  }
  store(key: string, value: string): Thenable<void> {
    this.data.set(key, value);
    this.changed.fire({ key });
    return Promise.resolve();
  }
  delete(key: string): Thenable<void> {
    this.data.delete(key);
    this.changed.fire({ key });
    return Promise.resolve();
  }
}

/** The part of ExtensionContext the extension reads, with in-memory SecretStorage and workspaceState. */
export function makeContext(extensionDir: string, packageJSON: unknown = { version: "0.0.0-test" }) {
  const extensionUri = Uri.file(extensionDir);
  const ctx = {
    subscriptions: [] as { dispose(): unknown }[],
    secrets: new MemorySecrets(),
    workspaceState: new MemoryMemento(),
    globalState: new MemoryMemento(),
    extensionUri,
    extensionPath: extensionDir,
    extension: { id: "innersource.innersource-assistant", extensionUri, packageJSON },
  } satisfies Partial<Record<keyof vscode.ExtensionContext, unknown>>;
  return ctx as typeof ctx & vscode.ExtensionContext;
}

function disposeAll(ctx: { subscriptions: { dispose(): unknown }[] }): void {
  for (const s of ctx.subscriptions.splice(0)) s.dispose();
}

export { disposeAll };

// ---------------------------------------------------------------- namespaces

function registered<T>(list: T[], item: T): Disposable {
  list.push(item);
  return new Disposable(() => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  });
}

function message(level: "info" | "warning" | "error") {
  // biome-ignore lint/suspicious/noExplicitAny: the real functions are overloaded on their item types
  return (text: string, ...items: unknown[]): Thenable<any> => {
    state.messages.push({ level, text });
    const offered = items.filter((i) => typeof i === "string");
    const answer = offered.length > 0 ? state.messageAnswers.shift() : undefined;
    return Promise.resolve(answer !== undefined && offered.includes(answer) ? answer : undefined);
  };
}

function logChannel(name: string): vscode.LogOutputChannel {
  const log = (level: string) => (message: string | Error) =>
    void state.logs.push({ level, message: message instanceof Error ? message.message : message });
  const levels = new EventEmitter<vscode.LogLevel>();
  return {
    name,
    logLevel: 2 as vscode.LogLevel,
    onDidChangeLogLevel: levels.event,
    trace: log("trace"),
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    append: log("append"),
    appendLine: log("info"),
    replace: log("replace"),
    clear: () => {},
    show: () => {},
    hide: () => {},
    dispose: () => levels.dispose(),
  };
}

function statusItem(
  id: string,
  alignment?: vscode.StatusBarAlignment,
  priority?: number,
): vscode.StatusBarItem {
  const item: vscode.StatusBarItem = {
    id,
    alignment: alignment ?? StatusBarAlignment.Left,
    priority,
    name: undefined,
    text: "",
    tooltip: undefined,
    color: undefined,
    backgroundColor: undefined,
    command: undefined,
    accessibilityInformation: undefined,
    show: () => {},
    hide: () => {},
    dispose: () => {
      const i = state.statusItems.indexOf(item);
      if (i >= 0) state.statusItems.splice(i, 1);
    },
  };
  state.statusItems.push(item);
  return item;
}

export const window = {
  get activeTextEditor() {
    return state.activeTextEditor;
  },
  showInformationMessage: message("info"),
  showWarningMessage: message("warning"),
  showErrorMessage: message("error"),
  showInputBox: (_opts?: vscode.InputBoxOptions) => Promise.resolve(state.inputAnswers.shift()),
  // biome-ignore lint/suspicious/noExplicitAny: overloaded on the item type
  showQuickPick: (items: readonly any[] | Thenable<readonly any[]>, _opts?: unknown): Thenable<any> =>
    Promise.resolve(items).then((list) => {
      const i = state.quickPickAnswers.shift();
      return i === undefined ? undefined : list[i];
    }),
  // biome-ignore lint/suspicious/noExplicitAny: overloaded (document or uri, column or options)
  showTextDocument: (doc: any, options?: any): Thenable<any> => {
    const uri = "uri" in doc ? doc.uri : doc;
    state.shownDocuments.push({ uri, options });
    return Promise.resolve(undefined);
  },
  // biome-ignore lint/suspicious/noExplicitAny: overloaded (with or without an id)
  createStatusBarItem: (a?: any, b?: any, c?: any): vscode.StatusBarItem =>
    typeof a === "string" ? statusItem(a, b, c) : statusItem("status", a, b),
  // biome-ignore lint/suspicious/noExplicitAny: overloaded (plain, language id, or log channel)
  createOutputChannel: (name: string, _opts?: any): any => logChannel(name),
  registerWebviewViewProvider: (viewId: string, provider: vscode.WebviewViewProvider, _o?: unknown) => {
    state.webviewProviders.set(viewId, provider);
    return new Disposable(() => state.webviewProviders.delete(viewId));
  },
  registerUriHandler: (handler: vscode.UriHandler) => registered(state.uriHandlers, handler),
  withProgress: async <R>(
    options: vscode.ProgressOptions,
    task: (
      progress: vscode.Progress<{ message?: string; increment?: number }>,
      token: vscode.CancellationToken,
    ) => Thenable<R>,
  ): Promise<R> => {
    const source = new CancellationTokenSource();
    const p: FakeProgress = {
      options,
      reports: [],
      cancel: () => {
        if (options.cancellable) source.cancel();
      },
      done: false,
    };
    state.progress.push(p);
    try {
      return await task({ report: (v) => void p.reports.push(v) }, source.token);
    } finally {
      p.done = true;
      source.dispose();
    }
  },
} satisfies Partial<typeof vscode.window>;

export const workspace = {
  get workspaceFolders(): readonly vscode.WorkspaceFolder[] | undefined {
    return state.folders.length > 0 ? state.folders : undefined;
  },
  getWorkspaceFolder: (uri: vscode.Uri) =>
    state.folders.find(
      (f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(`${f.uri.fsPath}${path.sep}`),
    ),
  asRelativePath: (p: string | vscode.Uri, _includeFolder?: boolean) => {
    const fsPath = typeof p === "string" ? p : p.fsPath;
    const f = state.folders.find((x) => fsPath.startsWith(`${x.uri.fsPath}${path.sep}`));
    return f ? path.relative(f.uri.fsPath, fsPath).split(path.sep).join("/") : fsPath;
  },
  getConfiguration: (section?: string): vscode.WorkspaceConfiguration => {
    const key = (k: string) => (section && section !== "innersource" ? `${section}.${k}` : k);
    return {
      // biome-ignore lint/suspicious/noExplicitAny: overloaded (with or without a default)
      get: (k: string, d?: any): any => {
        const v = configValue(key(k));
        return v.found ? v.value : d;
      },
      has: (k: string) => configValue(key(k)).found,
      inspect: () => undefined,
      update: (k: string, v: unknown) => {
        setConfig({ [key(k)]: v });
        return Promise.resolve();
      },
    };
  },
  onDidChangeConfiguration: state.configEvents.event,
  onDidChangeWorkspaceFolders: state.folderEvents.event,
  get isTrusted() {
    return state.trusted;
  },
  onDidGrantWorkspaceTrust: state.trustEvents.event,
  onDidCloseTextDocument: state.closeEvents.event,
  fs: {
    stat: async (uri: vscode.Uri): Promise<vscode.FileStat> => {
      const s = statSync(uri.fsPath); // throws like the real one for a missing file
      return {
        type: s.isFile() ? FileType.File : s.isDirectory() ? FileType.Directory : FileType.Unknown,
        ctime: s.ctimeMs,
        mtime: s.mtimeMs,
        size: s.size,
      };
    },
  } as Pick<vscode.FileSystem, "stat"> as vscode.FileSystem,
} satisfies Partial<typeof vscode.workspace>;

export const env = {
  openExternal: (uri: vscode.Uri) => {
    state.opened.push(uri);
    return Promise.resolve(true);
  },
  clipboard: {
    readText: () => Promise.resolve(state.clipboard),
    writeText: (value: string) => {
      state.clipboard = value;
      return Promise.resolve();
    },
  },
} satisfies Partial<typeof vscode.env>;

export const commands = {
  registerCommand: (command: string, callback: (...args: never[]) => unknown) => {
    if (state.commands.has(command)) throw new Error(`command '${command}' already exists`);
    state.commands.set(command, callback as (...args: unknown[]) => unknown);
    return new Disposable(() => state.commands.delete(command));
  },
  // biome-ignore lint/suspicious/noExplicitAny: generic over the command's result
  executeCommand: async (command: string, ...rest: unknown[]): Promise<any> => {
    state.executed.push({ command, args: rest });
    const fn = state.commands.get(command);
    if (fn) return fn(...rest);
    // The workbench's `<viewId>.focus` resolves a webview view the first time it is shown.
    const view = /^(.+)\.focus$/.exec(command)?.[1];
    const provider = view ? state.webviewProviders.get(view) : undefined;
    if (view && provider && !state.resolvedViews.has(view)) {
      const v = new FakeWebviewView(view);
      state.resolvedViews.set(view, v);
      await provider.resolveWebviewView(v, { state: undefined }, new CancellationTokenSource().token);
    }
    return undefined;
  },
} satisfies Partial<typeof vscode.commands>;

export const languages = {
  registerCodeLensProvider: (selector: vscode.DocumentSelector, provider: vscode.CodeLensProvider) =>
    registered(state.codeLensProviders, { selector, provider }),
  registerHoverProvider: (selector: vscode.DocumentSelector, provider: vscode.HoverProvider) =>
    registered(state.hoverProviders, { selector, provider }),
} satisfies Partial<typeof vscode.languages>;

export const lm = {
  registerMcpServerDefinitionProvider: (id: string, provider: vscode.McpServerDefinitionProvider) => {
    state.mcpProviders.set(id, provider);
    return new Disposable(() => state.mcpProviders.delete(id));
  },
} satisfies Partial<typeof vscode.lm>;

export const chat = {
  createChatParticipant: (id: string, handler: vscode.ChatRequestHandler): vscode.ChatParticipant => {
    const feedback = new EventEmitter<vscode.ChatResultFeedback>();
    const p: FakeParticipant = {
      id,
      handler,
      requestHandler: handler,
      iconPath: undefined,
      followupProvider: undefined,
      onDidReceiveFeedback: feedback.event,
      feedback: (e) => feedback.fire(e),
      dispose: () => {
        state.participants.delete(id);
        feedback.dispose();
      },
    };
    state.participants.set(id, p);
    return p;
  },
} satisfies Partial<typeof vscode.chat>;
