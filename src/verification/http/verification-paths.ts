// Where the verification routes live, as the browser sees them (behind a proxy, under the public prefix).

export function verificationPaths(publicPath: string, sessionId: string) {
  const session = `${publicPath}/verify/${encodeURIComponent(sessionId)}`;
  return { capture: `${session}/capture`, cancel: `${session}/cancel`, handoff: `${session}/handoff`, staticPath: `${publicPath}/static` };
}

/** The computer's hand-off endpoints for one hand-off (handoff-routes.ts). */
export function handoffPaths(publicPath: string, sessionId: string, handoffId: string) {
  const base = `${publicPath}/verify/${encodeURIComponent(sessionId)}/handoff/${encodeURIComponent(handoffId)}`;
  return { eventsUrl: `${base}/events`, statusUrl: `${base}/status`, completeUrl: `${base}/complete` };
}

/** The bound phone's pages and endpoints (the hand-off cookie is scoped to `page` and below). */
export function phonePaths(publicPath: string, handoffId: string) {
  const page = `${publicPath}/handoff/p/${encodeURIComponent(handoffId)}`;
  return { page, confirm: `${page}/confirm`, capture: `${page}/capture`, cancel: `${page}/cancel`, status: `${page}/status` };
}
