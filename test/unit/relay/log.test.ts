import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../../relay/log';

function capture(level: LogLevel) {
  const lines: string[] = [];
  return { lines, log: createLogger(level, (line) => lines.push(line)) };
}

describe('relay logger', () => {
  it('writes a fixed message with numeric and boolean facts, at or above its level', () => {
    const { lines, log } = capture('info');
    log.debug('hidden');
    log.info('relay stats', { connections: 3, tls: false });
    log.warn('careful');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.+Z info relay stats connections=3 tls=false$/);
    expect(lines[1]).toMatch(/ warn careful$/);
  });

  it('never writes an error’s message, which may quote data', () => {
    const { lines, log } = capture('debug');
    const error = Object.assign(new Error('UNIQUE constraint failed: secret-data alice'), { code: 'SQLITE_CONSTRAINT' });
    log.failure('request failed', error);
    expect(lines.join('\n')).not.toMatch(/secret-data|alice/);
    expect(lines.join('\n')).toMatch(/error request failed/);
    expect(lines.join('\n')).toMatch(/class=Error code=SQLITE_CONSTRAINT/);
    const quiet = capture('info');
    quiet.log.failure('request failed', error);
    expect(quiet.lines).toHaveLength(1);
  });
});
