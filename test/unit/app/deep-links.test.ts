import { describe, expect, it, vi } from 'vitest';
import { DeepLinkInbox, findHearthLinkInArgv, parseHearthLink } from '../../../main/app/deep-links';

describe('parseHearthLink', () => {
  it('parses a well-formed link into action, path and params', () => {
    expect(parseHearthLink('hearth://add-contact/alice.1?name=Alice%20B&device=2')).toEqual({
      action: 'add-contact',
      path: ['alice.1'],
      params: { name: 'Alice B', device: '2' },
      href: 'hearth://add-contact/alice.1?name=Alice+B&device=2',
    });
    expect(parseHearthLink('hearth://open')).toEqual({ action: 'open', path: [], params: {}, href: 'hearth://open' });
  });

  it('refuses other schemes and malformed links', () => {
    for (const raw of [
      'https://add-contact/alice',
      'hearth:add-contact',
      'hearth://',
      'hearth://user:pw@add-contact',
      'hearth://add-contact:8080/x',
      'hearth://add-contact/x#frag',
      'hearth://Add_Contact',
      'hearth://add-contact/../../etc',
      'hearth://add-contact/./x',
      'hearth://add-contact/%2e%2e/x',
      'hearth://add-contact/x/..',
      'hearth://add-contact\\x',
      'hearth://add-contact/x y',
      ' hearth://add-contact',
      'hearth://add-contact/a%2Fb',
      'hearth://add-contact/a//b',
      'hearth://add-contact?name=a%0Ab',
      'hearth://add-contact?name=a&name=b',
      'hearth://add-contact?1bad=x',
      `hearth://add-contact?x=${'a'.repeat(600)}`,
      `hearth://add-contact?${Array.from({ length: 17 }, (_, i) => `p${i}=1`).join('&')}`,
      `hearth://add-contact/${'a'.repeat(2100)}`,
      42,
      null,
      '',
    ]) {
      expect(parseHearthLink(raw), String(raw).slice(0, 80)).toBeNull();
    }
  });
});

describe('findHearthLinkInArgv', () => {
  it('finds a link among Chromium switches, ignoring lookalikes', () => {
    const argv = ['/opt/Hearth/hearth', '--no-sandbox', '--allow-file-access-from-files', 'hearth://bad link', 'hearth://open?x=1'];
    expect(findHearthLinkInArgv(argv)?.href).toBe('hearth://open?x=1');
    expect(findHearthLinkInArgv(['/opt/Hearth/hearth', '--foo=hearth://open'])).toBeNull();
  });
});

describe('DeepLinkInbox', () => {
  it('queues links until a receiver attaches, then delivers them in order, keeping only the newest', () => {
    const inbox = new DeepLinkInbox();
    for (let i = 0; i < 12; i++) {
      const link = parseHearthLink(`hearth://open?n=${i}`);
      if (link) inbox.deliver(link);
    }
    const receiver = vi.fn();
    inbox.attach(receiver);
    expect(receiver.mock.calls.map(([link]) => link.params.n)).toEqual(['4', '5', '6', '7', '8', '9', '10', '11']);
    const later = parseHearthLink('hearth://open?n=late');
    if (later) inbox.deliver(later);
    expect(receiver).toHaveBeenLastCalledWith(later);
  });
});
