import { describe, expect, it, vi } from 'vitest';
import { openExternalLink, parseExternalUrl } from '../../../main/app/security/external-links';

describe('parseExternalUrl', () => {
  it('accepts http and https links with a host', () => {
    expect(parseExternalUrl('https://example.org/a?b=c#d')?.href).toBe('https://example.org/a?b=c#d');
    expect(parseExternalUrl('http://example.org')?.href).toBe('http://example.org/');
  });

  it('refuses every other scheme and odd shape', () => {
    for (const raw of ['file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'data:text/html,x', 'hearth://add', 'mailto:a@b.c', 'https://user:pw@example.org/', 'not a url', '', 42, null, `https://example.org/${'a'.repeat(2100)}`]) {
      expect(parseExternalUrl(raw)).toBeNull();
    }
  });
});

describe('openExternalLink', () => {
  it('hands only the normalized URL to the opener', async () => {
    const open = vi.fn(async () => undefined);
    expect(openExternalLink('HTTPS://Example.ORG/x', open)).toBe(true);
    expect(openExternalLink('file:///etc/passwd', open)).toBe(false);
    expect(open).toHaveBeenCalledExactlyOnceWith('https://example.org/x');
  });

  it('survives an opener that fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(openExternalLink('https://example.org/', async () => Promise.reject(new Error('no browser')))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
