// `chainrule --help`, `--version` and each subcommand's --help: exit 0, the usage line and every
// option the command accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe.concurrent('chainrule --help and --version', () => {
  it('lists the four commands', async () => {
    for (const args of [['--help'], ['-h'], []]) {
      const { code, stdout, stderr } = await runCli(args);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain('Usage: chainrule <command> [options]');
      for (const command of ['train', 'evaluate', 'predict', 'explain']) expect(stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    }
  });

  it("prints package.json's version", async () => {
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${version}\n`);
    }
  });

  const commands: Record<string, string[]> = {
    train: ['--data', '--label', '--model', '--epochs', '--batch-size', '--optimizer', '--lr', '--momentum', '--weight-decay', '--schedule', '--val-split', '--limit', '--seed', '--backend', '--out', '--quiet'],
    evaluate: ['--model-file', '--data', '--label', '--batch-size', '--backend'],
    predict: ['--model-file', '--row', '--label', '--backend'],
    explain: ['--format', '--list'],
  };
  for (const [command, options] of Object.entries(commands)) {
    it(`${command} --help shows its usage and options`, async () => {
      const { code, stdout, stderr } = await runCli([command, '--help']);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(new RegExp(`^Usage: chainrule ${command}`));
      for (const option of [...options, '--help']) expect(stdout).toContain(option);
      // `help <command>` says the same.
      expect((await runCli(['help', command])).stdout).toBe(stdout);
    });
  }
});
