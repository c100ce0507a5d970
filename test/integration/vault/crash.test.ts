import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../../main/core/vault';
import { newKeyFile, quiet, tempDir } from '../../unit/vault/helpers';

const fixture = fileURLToPath(new URL('./fixtures/commit-loop.ts', import.meta.url));
const KILLS = 55;

interface Run {
  acknowledged: number[];
  killedDuringCompaction: boolean;
}

/** Starts the committing child, lets it run for a random moment, and SIGKILLs it. */
function runAndKill(dir: string, keyFile: string, first: number, random: () => number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, keyFile, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: number[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    let killedDuringCompaction = false;
    // A third of the runs are killed right after a compaction starts, the rest at a random moment.
    const aimAtCompaction = random() < 0.35;
    const kill = (duringCompaction: boolean) => {
      if (killed) return;
      killed = true;
      killedDuringCompaction = duringCompaction && fs.existsSync(path.join(dir, 'vault.journal.next'));
      child.kill('SIGKILL');
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (data: string) => {
      buffered += data;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') {
          if (!aimAtCompaction) setTimeout(() => kill(false), 5 + random() * 150);
          else setTimeout(() => kill(false), 2000);
        } else if (line === 'compacting') {
          if (aimAtCompaction) setTimeout(() => kill(true), random() * 4);
        } else if (/^\d+$/.test(line)) {
          acknowledged.push(Number(line));
        }
      }
    });
    child.stderr.on('data', (data) => (stderr += String(data)));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself: ${stderr}`));
      else resolve({ acknowledged, killedDuringCompaction });
    });
  });
}

describe('crash safety', () => {
  it(`holds exactly the acknowledged commits after each of ${KILLS} SIGKILLs`, async () => {
    const dir = path.join(tempDir(), 'profile');
    const keyFile = newKeyFile();
    let seed = 20240611;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let next = 1;
    let everAcknowledged = 0;
    let duringCompaction = 0;
    let leftNextJournal = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const run = await runAndKill(dir, keyFile, next, random);
      if (run.killedDuringCompaction) duringCompaction++;
      if (fs.existsSync(path.join(dir, 'vault.journal.next'))) leftNextJournal++;
      everAcknowledged += run.acknowledged.length;

      const vault = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
      const present = vault.read((db) => db.all("SELECT uid FROM messages WHERE uid LIKE 'n-%'").map((r) => Number(String(r.uid).slice(2))));
      await vault.close({ compact: false });
      present.sort((a, b) => a - b);
      const lastAcknowledged = run.acknowledged.length > 0 ? (run.acknowledged[run.acknowledged.length - 1] as number) : next - 1;
      // Every commit ever acknowledged is there, with no gap; beyond them at most the one in flight.
      const expected = Array.from({ length: lastAcknowledged }, (_, i) => i + 1);
      const extra = present.slice(expected.length);
      expect(present.slice(0, expected.length)).toEqual(expected);
      expect(extra.length === 0 || (extra.length === 1 && extra[0] === lastAcknowledged + 1)).toBe(true);
      next = (present[present.length - 1] ?? 0) + 1;
    }
    expect(everAcknowledged).toBeGreaterThan(KILLS);
    console.log(`crash test: ${KILLS} kills, ${everAcknowledged} acknowledged commits, ${duringCompaction} kills during a compaction, ${leftNextJournal} left an unfinished compaction`);
  }, 240_000);
});
