import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  formatSpecError,
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import fs from 'fs/promises';
import { previewGate } from './previewGate';
import { listStillToWrite } from './listStillToWrite';

type Output = { out: (line: string) => void; err: (line: string) => void };

/** How many errors of one file are printed by default; the rest are counted. */
export const DEFAULT_MAX_ERRORS = 50;

/** Validates files and reports on them; resolves to the exit code. */
export async function validateFiles(
  files: string[],
  output: Output,
  options: { maxErrors?: number } = {},
): Promise<number> {
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  let invalid = 0;
  let unreadable = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      unreadable += 1;
      output.err(
        `${file}: cannot be read (${
          (error as NodeJS.ErrnoException).code ?? String(error)
        })`,
      );
      continue;
    }
    const result = validateHandoffSpec(text);
    if (result.valid) {
      const { risk } = result.spec;
      output.out(
        `${file}: valid (risk: data ${risk.data}, customer impact ${risk.customerImpact}, compliance ${risk.compliance}, operational dependency ${risk.operationalDependency})`,
      );
    } else {
      invalid += 1;
      const count = result.errors.length;
      output.out(`${file}: invalid, ${count} error${count === 1 ? '' : 's'}`);
      for (const error of result.errors.slice(0, maxErrors)) {
        output.out(`  ${formatSpecError(error)}`);
      }
      if (count > maxErrors) {
        output.out(
          `  ... and ${
            count - maxErrors
          } more (fix these first, or pass --max-errors ${count})`,
        );
      }
    }
  }
  if (files.length > 1) {
    output.out(
      `${files.length} files: ${
        files.length - invalid - unreadable
      } valid, ${invalid} invalid${
        unreadable ? `, ${unreadable} unreadable` : ''
      }`,
    );
  }
  if (unreadable) return 2;
  return invalid ? 1 : 0;
}

/**
 * The command line entry point; resolves to the exit code: 0 when every file
 * is valid, 1 when any is invalid, 2 when a file cannot be read or the command
 * is used wrongly.
 */
export async function main(
  args: string[],
  output: Output = {
    out: line => process.stdout.write(`${line}\n`),
    err: line => process.stderr.write(`${line}\n`),
  },
): Promise<number> {
  let code = 0;
  const program = new Command('handoff-spec')
    .description(
      'Validates handoff.yaml files with the schema the portal uses, and previews their gates.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: text => output.out(text.trimEnd()),
      writeErr: text => output.err(text.trimEnd()),
    });
  program
    .command('validate')
    .description(
      'Validates each file against the handoff spec schema and prints one line per file, followed by each error with its path, line and column.',
    )
    .argument('<files...>', 'the handoff.yaml files')
    .option(
      '--max-errors <n>',
      `print at most this many errors per file (default ${DEFAULT_MAX_ERRORS})`,
      value => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) {
          throw new InvalidArgumentError('must be a whole number, 1 or more');
        }
        return n;
      },
    )
    .action(async (files: string[], opts: { maxErrors?: number }) => {
      code = await validateFiles(files, output, opts);
    });
  program
    .command('gates')
    .description(
      'Shows what a decision asks of a spec under a gate policy (the default, or --policy): each requirement met or not, with its reason. Requirements that need the catalog or the portal (owners that exist, approvals, checks) are listed as checked in the portal.',
    )
    .argument('<files...>', 'the handoff.yaml files')
    .requiredOption(
      '--decision <decision>',
      'start-pilot, start-review, hand-off, operate-without-hand-off, operate-after-hand-off or review',
    )
    .option('--policy <file>', 'a gate policy file (handoff.policy)')
    .action(
      async (
        files: string[],
        options: { decision: string; policy?: string },
      ) => {
        // Each file is previewed; the exit code is the worst of them.
        for (const file of files) {
          code = Math.max(code, await previewGate(file, options, output));
        }
      },
    );
  program
    .command('todo')
    .description(
      'Lists what each spec still lacks before the decisions ahead of its stage, in the words the Handoff tab uses: grouped by section, each with the decision it holds back.',
    )
    .argument('<files...>', 'the handoff.yaml files')
    .option(
      '--stage <stage>',
      'the stage the capability is in (proposed, pilot, readiness-review, hardening, handed-off, operating, reframed, stopped)',
      'proposed',
    )
    .option('--policy <file>', 'a gate policy file (handoff.policy)')
    .action(
      async (files: string[], options: { stage: string; policy?: string }) => {
        for (const file of files) {
          code = Math.max(code, await listStillToWrite(file, options, output));
        }
      },
    );
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.exitCode === 0 ? 0 : 2;
  }
  return code;
}
