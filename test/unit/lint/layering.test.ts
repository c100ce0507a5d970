import path from 'node:path';
import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
import local from '../../../eslint-rules/layering.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = path.resolve(import.meta.dirname, '../../..');
const at = (file: string) => path.join(ROOT, file);
const tester = new RuleTester({ languageOptions: { ecmaVersion: 2024, sourceType: 'module' } });

// The walls of DESIGN.md, checked against the rule itself: each refusal could regress silently otherwise.
tester.run('local/layering', local.rules.layering, {
  valid: [
    { filename: at('main/app/index.ts'), code: "import { app } from 'electron'; import { createCore } from '../core/core';" },
    { filename: at('main/preload/index.ts'), code: "import { contextBridge } from 'electron'; import { methods } from '../../shared/api';" },
    { filename: at('main/core/core.ts'), code: "import fs from 'node:fs'; import { methods } from '../../shared/api'; import { Vault } from './vault';" },
    { filename: at('main/host/host.ts'), code: "import http from 'node:http'; import { CoreWorker } from '../core/worker-client';" },
    { filename: at('renderer/src/App.tsx'), code: "import { HearthClient } from '../../shared/api'; import { useState } from 'react';" },
    { filename: at('relay/server.ts'), code: "import net from 'node:net'; import { decodeFrame } from '../shared/proto';" },
    { filename: at('test/unit/x.test.ts'), code: "import { app } from 'electron'; import '../../main/app/index'; import '../../bench/run';" },
  ],
  invalid: [
    {
      filename: at('main/core/core.ts'),
      code: "import { app } from 'electron';",
      errors: [{ message: "main/core/ must not import 'electron': the core runs in plain Node (worker, CLI, browser host) and never imports electron." }],
    },
    { filename: at('main/core/core.ts'), code: "import '../app/index';", errors: 1 },
    { filename: at('main/core/core.ts'), code: "const e = require('electron');", errors: 1 },
    { filename: at('main/core/core.ts'), code: "const m = await import('electron');", errors: 1 },
    { filename: at('main/host/host.ts'), code: "import { BrowserWindow } from 'electron/main';", errors: 1 },
    { filename: at('relay/server.ts'), code: "import { Vault } from '../main/core/vault';", errors: 1 },
    { filename: at('shared/api/contract.ts'), code: "import fs from 'node:fs';", errors: 1 },
    { filename: at('renderer/src/App.tsx'), code: "import path from 'path';", errors: 1 },
    { filename: at('renderer/src/App.tsx'), code: "import { createCore } from '../../main/core/core';", errors: 1 },
    { filename: at('main/preload/index.ts'), code: "import fs from 'node:fs';", errors: 1 },
    { filename: at('main/core/core.ts'), code: "export * from '../../test/unit/helpers';", errors: 1 },
    { filename: at('main/cli/main.ts'), code: "import { app } from 'electron';", errors: 1 },
  ],
});
