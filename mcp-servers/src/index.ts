// Public surface of @isa/mcp-servers: server factories (docs-search, files, git), the Streamable HTTP handler and
// principal helpers. The `isa mcp` command is under the `./cli` subpath.
export type { DocsDeps } from "./docs/docsServer.js";
export { createDocsServer, docUri } from "./docs/docsServer.js";
export type { FileLimits } from "./files/fileOps.js";
export { DEFAULT_FILE_LIMITS } from "./files/fileOps.js";
export type { FilesContext, FilesServerOptions } from "./files/filesServer.js";
export { createFilesServer, prepareFiles } from "./files/filesServer.js";
export type { Contained, Root } from "./files/pathGuard.js";
export { checkLexical, isInside, makeRoots, resolveContained } from "./files/pathGuard.js";
export type { GitLimits, Repo } from "./git/gitRunner.js";
export { DEFAULT_GIT_LIMITS, makeRepos } from "./git/gitRunner.js";
export type { GitContext } from "./git/gitServer.js";
export { createGitServer } from "./git/gitServer.js";
export type {
  Authenticator,
  HttpHandler,
  HttpHandlerOptions,
  ResourceMetadataOptions,
} from "./http/httpHandler.js";
export { createHttpHandler, DEFAULT_ALLOWED_HOSTS } from "./http/httpHandler.js";
export type { Listening } from "./http/listen.js";
export { listenHttp } from "./http/listen.js";
export type { CallContext, PrincipalOf } from "./shared/principal.js";
export { authInfoFor, fixedPrincipal, localPrincipal, principalFromAuth } from "./shared/principal.js";
export { SERVER_VERSION } from "./version.js";
