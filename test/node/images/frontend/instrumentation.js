// Next.js calls register() once as the server starts, before it serves a request: the reference frontend
// checks the image contract (docs/image-contract.md) there and exits non-zero on the first breach, so the
// pod never turns Ready.
const WRITABLE_PATHS = ['/tmp', '/app/.next/cache'];
const ENVIRONMENT = ['BACKEND_URL', 'BETTER_AUTH_SECRET'];

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const refuse = (reason) => {
    console.error(`reference frontend: ${reason}`);
    process.exit(1);
  };
  if (process.getuid() === 0 || process.getgid() === 0) refuse(`runs as uid ${process.getuid()} gid ${process.getgid()}; the image contract asks for a non-root user`);
  for (const path of WRITABLE_PATHS) {
    const probe = join(path, `.contract-check-${process.pid}`);
    try {
      writeFileSync(probe, '');
      rmSync(probe);
    } catch (error) {
      refuse(`cannot write to ${path}, a writable path of the image contract: ${error.code}`);
    }
  }
  const missing = ENVIRONMENT.filter((name) => !process.env[name]);
  if (missing.length > 0) refuse(`environment variables the image contract names are not set: ${missing.join(', ')}`);
  try {
    new URL(process.env.BACKEND_URL);
  } catch {
    refuse('BACKEND_URL is not a URL');
  }
}
