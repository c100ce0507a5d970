import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createRendererHandler, resolveRendererFile } from '../../../main/app/renderer-protocol';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'hearth-renderer-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Hearth</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'font file.woff2'), 'font');
  // A file next to the renderer folder that must never be served.
  writeFileSync(join(base, 'secret.txt'), 'vault key');
  writeFileSync(join(base, 'renderer-evil.html'), 'sibling with a shared prefix');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveRendererFile', () => {
  it('maps app://hearth paths into the renderer folder, / to index.html', () => {
    expect(resolveRendererFile(root, 'app://hearth/')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://hearth/index.html')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://hearth/assets/index-abc.js?v=1#x')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveRendererFile(root, 'app://hearth/assets/font%20file.woff2')).toBe(join(root, 'assets', 'font file.woff2'));
  });

  it('refuses paths that escape the folder however they are spelled', () => {
    for (const url of [
      'app://hearth/../secret.txt',
      'app://hearth/%2e%2e/secret.txt',
      'app://hearth/..%2fsecret.txt',
      'app://hearth/assets/..%2F..%2Fsecret.txt',
      'app://hearth/..%5csecret.txt',
      'app://hearth/%2e%2e%2f..%2fetc%2fpasswd',
      'app://hearth/../renderer-evil.html',
      'app://hearth/index.html%00.js',
      'app://hearth/%E0%A4%A',
    ]) {
      const file = resolveRendererFile(root, url);
      if (file !== null) expect(file.startsWith(join(root, '/'))).toBe(true);
      expect(file).not.toBe(join(base, 'secret.txt'));
      expect(file).not.toBe(join(base, 'renderer-evil.html'));
    }
    expect(resolveRendererFile(root, 'app://hearth/..%2fsecret.txt')).toBeNull();
    expect(resolveRendererFile(root, 'app://hearth/index.html%00.js')).toBeNull();
  });

  it('answers only for our scheme and host', () => {
    expect(resolveRendererFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'https://hearth/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'not a url')).toBeNull();
  });
});

describe('the app:// handler', () => {
  const handler = () => createRendererHandler({ rendererRoot: root, contentSecurityPolicy: "default-src 'none'" });

  it('serves files with their type, the CSP and nosniff', async () => {
    const response = await handler()(new Request('app://hearth/assets/index-abc.js'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');

    const page = await handler()(new Request('app://hearth/'));
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Hearth</title>');
  });

  it('answers 404 outside the folder, for folders and for missing files', async () => {
    for (const url of ['app://hearth/..%2fsecret.txt', 'app://hearth/assets', 'app://hearth/assets/', 'app://hearth/missing.js', 'app://other/index.html']) {
      const response = await handler()(new Request(url));
      expect(response.status, url).toBe(404);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await handler()(new Request('app://hearth/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
  });

  it('registers app:// as a standard, secure, fetchable scheme, without bypassing CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } });
  });
});
