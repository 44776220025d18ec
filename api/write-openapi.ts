import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VERSION } from '../shared/version.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { apiRoutes } from './routes.js';

/*
 * Writes the document GET /openapi.json serves (the same routes, the same version) to the file named by the first
 * argument, for tools that read a file: `tsx api/write-openapi.ts /tmp/openapi.json`.
 */
const [target] = process.argv.slice(2);
if (target === undefined) {
  console.error('usage: tsx api/write-openapi.ts <file.json>');
  process.exit(2);
}
mkdirSync(dirname(resolve(target)), { recursive: true });
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(apiRoutes(), VERSION), null, 2)}\n`);
