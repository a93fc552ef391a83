/**
 * The JavaScript the browser downloads for the sign-in pages (the entry and its static
 * imports) and for the editor page (plus the lazily loaded document page), raw and gzip,
 * read from the client build's Vite manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client/dist');

const Chunk = z.object({
  file: z.string(),
  isEntry: z.boolean().optional(),
  imports: z.array(z.string()).optional(),
  dynamicImports: z.array(z.string()).optional(),
});
const Manifest = z.record(z.string(), Chunk);

export interface BundleSizes {
  entryKiB: number;
  entryGzipKiB: number;
  editorKiB: number;
  editorGzipKiB: number;
}

export function bundleSizes(): BundleSizes | null {
  const file = path.join(dist, '.vite/manifest.json');
  if (!existsSync(file)) return null;
  const manifest = Manifest.parse(JSON.parse(readFileSync(file, 'utf8')));
  const closure = (keys: string[], into = new Set<string>()) => {
    for (const key of keys) {
      if (into.has(key)) continue;
      into.add(key);
      closure(manifest[key]?.imports ?? [], into);
    }
    return into;
  };
  const entry = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  const page = Object.keys(manifest).find((k) => k.endsWith('DocumentPage.tsx'));
  if (!entry || !page) return null;
  const size = (keys: Set<string>) => {
    let raw = 0;
    let gz = 0;
    for (const k of keys) {
      const bytes = readFileSync(path.join(dist, manifest[k]?.file ?? ''));
      raw += bytes.byteLength;
      gz += gzipSync(bytes, { level: 9 }).byteLength;
    }
    return { raw: raw / 1024, gz: gz / 1024 };
  };
  const signIn = size(closure([entry]));
  const editor = size(closure([entry, page]));
  return {
    entryKiB: signIn.raw,
    entryGzipKiB: signIn.gz,
    editorKiB: editor.raw,
    editorGzipKiB: editor.gz,
  };
}
