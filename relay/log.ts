/**
 * The relay's logger. Its shape keeps secrets out: a line is a fixed message
 * plus numeric or boolean facts, so there is no slot where an envelope, a key,
 * an auth secret or a username could be dropped in by accident. Info level
 * carries only aggregate facts (started, stopped, counts); debug adds error
 * causes, still without any user data.
 */
export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];

export type LogFacts = Readonly<Record<string, number | boolean>>;

export interface Logger {
  error(message: string, facts?: LogFacts): void;
  warn(message: string, facts?: LogFacts): void;
  info(message: string, facts?: LogFacts): void;
  debug(message: string, facts?: LogFacts): void;
  /** Logs that an operation failed unexpectedly: the kind at error level, the error's class and code at debug. */
  failure(message: string, error: unknown): void;
}

export type LogSink = (line: string, level: LogLevel) => void;

const stderrSink: LogSink = (line) => process.stderr.write(line + '\n');

export function isLogLevel(value: string): value is LogLevel {
  return (logLevels as readonly string[]).includes(value);
}

export function createLogger(level: LogLevel = 'info', sink: LogSink = stderrSink): Logger {
  const threshold = logLevels.indexOf(level);
  const write = (at: LogLevel, message: string, facts?: LogFacts): void => {
    if (logLevels.indexOf(at) > threshold) return;
    let line = `${new Date().toISOString()} ${at} ${message}`;
    if (facts) for (const [key, value] of Object.entries(facts)) line += ` ${key}=${value}`;
    sink(line, at);
  };
  return {
    error: (message, facts) => write('error', message, facts),
    warn: (message, facts) => write('warn', message, facts),
    info: (message, facts) => write('info', message, facts),
    debug: (message, facts) => write('debug', message, facts),
    failure(message, error) {
      write('error', message);
      // The class and the library's error code say what broke; the message text
      // may quote data (a path, a value) and stays out of the log.
      const name = error instanceof Error ? error.constructor.name : typeof error;
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'none';
      if (threshold >= logLevels.indexOf('debug')) sink(`${new Date().toISOString()} debug cause class=${name} code=${code.replace(/[^\w.-]/g, '')}`, 'debug');
    },
  };
}
