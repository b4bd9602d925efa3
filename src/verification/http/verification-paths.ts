// Where the verification routes live, as the browser sees them (behind a proxy, under the public prefix).

export function verificationPaths(publicPath: string, sessionId: string) {
  const session = `${publicPath}/verify/${encodeURIComponent(sessionId)}`;
  return { capture: `${session}/capture`, cancel: `${session}/cancel`, staticPath: `${publicPath}/static` };
}
