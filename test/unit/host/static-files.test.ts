import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveStaticFile } from '../../../main/host/static-files';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'hearth-static-'));
  root = path.join(base, 'site');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html>');
  await writeFile(path.join(root, 'assets', 'app.js'), 'export {}');
  await writeFile(path.join(root, 'a b.css'), 'body{}');
  await writeFile(path.join(base, 'secret.txt'), 'not for the web');
  await mkdir(path.join(base, 'site-other'));
  await writeFile(path.join(base, 'site-other', 'x.js'), 'sibling with a shared prefix');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'link.txt'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveStaticFile', () => {
  it('finds files inside the root, with index.html for directories', async () => {
    expect(await resolveStaticFile(root, '/')).toBe(path.join(root, 'index.html'));
    expect(await resolveStaticFile(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(await resolveStaticFile(root, '/a%20b.css')).toBe(path.join(root, 'a b.css'));
  });

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..\\\\secret.txt',
    '/..%5csecret.txt',
    '/../site-other/x.js',
    '/index.html%00',
    '/%00',
    '/%E0%A4%A',
    'secret.txt',
    '/link.txt',
    '/assets',
    '/missing.js',
  ])('refuses %s', async (urlPath) => {
    expect(await resolveStaticFile(root, urlPath)).toBeNull();
  });
});
