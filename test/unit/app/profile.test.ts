import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveProfileDir } from '../../../main/app/profile';

describe('resolveProfileDir', () => {
  it('prefers HEARTH_PROFILE_DIR, made absolute', () => {
    expect(resolveProfileDir({ HEARTH_PROFILE_DIR: '/tmp/alice' }, '/home/u/.config/Hearth')).toBe('/tmp/alice');
    expect(resolveProfileDir({ HEARTH_PROFILE_DIR: 'profiles/bob' }, '/home/u/.config/Hearth')).toBe(resolve('profiles/bob'));
  });

  it("falls back to Electron's userData folder", () => {
    expect(resolveProfileDir({}, '/home/u/.config/Hearth')).toBe('/home/u/.config/Hearth');
    expect(resolveProfileDir({ HEARTH_PROFILE_DIR: '  ' }, '/home/u/.config/Hearth')).toBe('/home/u/.config/Hearth');
  });
});
