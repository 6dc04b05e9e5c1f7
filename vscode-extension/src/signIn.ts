// The sign-in commands' UI. Device flow: a cancellable progress notification while the token endpoint is polled,
// and a notification with the user code whose "Copy & Open" button copies the code and opens the provider's page
// (with the code filled in when the provider offers verification_uri_complete). Without an issuer/client id, the
// `oidc` mode falls back to a pasted JWT; `token` mode asks for the static token.
import { AppError } from "@isa/core";
import * as vscode from "vscode";
import type { Connection } from "./connection.js";
import type { DeviceAuthorization } from "./oidc.js";

export const COPY_AND_OPEN = "Copy & Open";

export type SignInResult = "signed-in" | "cancelled" | "failed";

/** Runs the device flow; every failure ends in one error notification (and the log), never a throw. */
export async function signInWithDeviceCode(
  connection: Connection,
  log: vscode.LogOutputChannel,
): Promise<SignInResult> {
  const issuer = connection.settings.oidc.issuer;
  try {
    const ok = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: "InnerSource: signing in",
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await connection.oidc.signIn({
            signal: abort.signal,
            onCode: (device) => {
              progress.report({
                message: `waiting for code ${device.userCode} to be approved in the browser…`,
              });
              void offerCode(device);
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    if (!ok) {
      log.info("OIDC sign-in cancelled");
      return "cancelled";
    }
    log.info(`Signed in with ${issuer}`);
    void vscode.window.showInformationMessage(`InnerSource: signed in with ${issuer}.`);
    return "signed-in";
  } catch (err) {
    const message = err instanceof AppError ? err.message : err instanceof Error ? err.message : String(err);
    log.error(`OIDC sign-in failed: ${message}`);
    void vscode.window.showErrorMessage(`InnerSource sign-in failed: ${message}`);
    return "failed";
  }
}

async function offerCode(device: DeviceAuthorization): Promise<void> {
  const pick = await vscode.window.showInformationMessage(
    `InnerSource sign-in: enter the code ${device.userCode} at ${device.verificationUri}.`,
    COPY_AND_OPEN,
  );
  if (pick !== COPY_AND_OPEN) return;
  await vscode.env.clipboard.writeText(device.userCode);
  await vscode.env.openExternal(vscode.Uri.parse(device.verificationUriComplete ?? device.verificationUri));
}

/** Pasted JWT (auth.mode `oidc` without an issuer/client id configured). */
export async function signInWithPastedJwt(connection: Connection): Promise<void> {
  const jwt = await vscode.window.showInputBox({
    title: "InnerSource sign-in (OIDC)",
    prompt:
      'Paste an access token (JWT) issued by your identity provider for the InnerSource API (or set "innersource.oidc.issuer" and "innersource.oidc.clientId" to sign in through the browser).',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(v.trim()) ? undefined : "That is not a JWT."),
  });
  if (jwt) await connection.setToken(jwt.trim());
}
