import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withCspHeader } from '../../../main/app/security/csp';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('contentSecurityPolicy', () => {
  it('allows only our own origin in production, with nothing inline', () => {
    const policy = directives(contentSecurityPolicy({ kind: 'production' }));
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'media-src': ["'self'", 'blob:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
    });
  });

  it('adds only what Vite needs in development', () => {
    const policy = directives(contentSecurityPolicy({ kind: 'development', devServerOrigin: 'http://localhost:5173' }));
    expect(policy.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
  });

  it('never lets development allowances leak into production', () => {
    contentSecurityPolicy({ kind: 'development', devServerOrigin: 'https://localhost:5173' });
    expect(contentSecurityPolicy({ kind: 'production' })).not.toContain('unsafe');
  });
});

describe('withCspHeader', () => {
  it('replaces a CSP header whatever its case and keeps the others', () => {
    const headers = withCspHeader({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] }, "default-src 'none'");
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'none'"] });
  });

  it('adds the header when there were none', () => {
    expect(withCspHeader(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});
