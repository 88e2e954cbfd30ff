// R6: the browser never calls the backend; this server-side route proxies /api/* to BACKEND_URL, read
// on every request (rewrites in next.config would be fixed at build time).
export const dynamic = 'force-dynamic';

async function proxy(request, { params }) {
  const { path } = await params;
  const incoming = new URL(request.url);
  const target = new URL(`/api/${path.map(encodeURIComponent).join('/')}${incoming.search}`, process.env.BACKEND_URL);
  const idempotent = ['GET', 'HEAD'].includes(request.method);
  const body = idempotent ? undefined : await request.arrayBuffer();
  const send = () =>
    fetch(target, {
      method: request.method,
      headers: { 'content-type': request.headers.get('content-type') ?? 'application/json' },
      body,
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    });
  try {
    // A kept-alive connection the backend closed as it stopped fails before any answer: an idempotent
    // request goes once more, on a new connection, as a reverse proxy does (nginx's proxy_next_upstream).
    const response = await send().catch((error) => (idempotent && error.name !== 'TimeoutError' ? send() : Promise.reject(error)));
    return new Response(response.body, { status: response.status, headers: { 'content-type': response.headers.get('content-type') ?? 'application/json' } });
  } catch (error) {
    console.error(`proxy to ${target.origin} failed: ${error.cause?.code ?? error.message}`);
    return Response.json({ error: `backend unreachable at BACKEND_URL (${target.origin})` }, { status: 502 });
  }
}

export { proxy as GET, proxy as POST, proxy as PUT, proxy as PATCH, proxy as DELETE };
