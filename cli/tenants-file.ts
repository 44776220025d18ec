import { chmod, readFile, rename, writeFile } from 'node:fs/promises';

/** One tenant as the file holds it: kept as written, so fields this version does not know survive an edit. */
export type TenantRecord = Record<string, unknown> & { id: string; apiKeys: string[] };

/** The tenants file's entries; none when it does not exist yet. */
export async function readTenantsFile(path: string): Promise<TenantRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const json: unknown = JSON.parse(text);
  const ok = (t: unknown): t is TenantRecord =>
    typeof t === 'object' && t !== null && typeof (t as TenantRecord).id === 'string';
  if (!Array.isArray(json) || !json.every(ok)) throw new Error(`${path}: not a JSON array of tenants`);
  return json;
}

/**
 * Writes the file whole, through a temporary file and a rename so that a service reading it never sees half;
 * mode 0600: it holds webhook secrets.
 */
export async function writeTenantsFile(path: string, tenants: readonly TenantRecord[]): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(tenants, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
