import { z } from 'zod';

// The CSP forbids eval. Without this, zod probes `new Function` once to decide
// whether to compile its parsers, and the browser reports a CSP violation.
z.config({ jitless: true });
