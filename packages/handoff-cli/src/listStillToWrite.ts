import {
  DECISION_TITLES,
  STAGES,
  STAGE_TITLES,
  Stage,
  stillToWrite,
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import { Output, loadPolicy, read } from './previewGate';

/**
 * Prints what a spec still lacks before the decisions ahead of a stage, in
 * the words the Handoff tab uses, grouped by section, each with the decision
 * it holds back; resolves to 0 when nothing is left, 1 when something is (or
 * the spec is invalid), 2 when a file cannot be read or an option is wrong.
 */
export async function listStillToWrite(
  file: string,
  options: { stage: string; policy?: string },
  output: Output,
): Promise<number> {
  if (!(STAGES as readonly string[]).includes(options.stage)) {
    output.err(
      `--stage must be one of ${STAGES.join(', ')}, not ${options.stage}`,
    );
    return 2;
  }
  const stage = options.stage as Stage;
  const policy = await loadPolicy(options.policy, output);
  if (!policy) return 2;
  const text = await read(file, output);
  if (text === undefined) return 2;
  const spec = validateHandoffSpec(text);
  if (!spec.valid) {
    output.out(
      `${file}: invalid, ${spec.errors.length} error${
        spec.errors.length === 1 ? '' : 's'
      }; fix them first (handoff-spec validate ${file})`,
    );
    return 1;
  }
  const items = stillToWrite(spec.spec, stage, policy);
  const from = STAGE_TITLES[stage].toLocaleLowerCase('en-US');
  if (items.length === 0) {
    output.out(
      `${file}: nothing left to write for the decisions after ${from}`,
    );
    return 0;
  }
  output.out(
    `${file}: still to write for the decisions after ${from}: ${items.length}`,
  );
  let section: string | undefined;
  for (const item of items) {
    if (item.section !== section) {
      section = item.section;
      output.out(`  ${section}`);
    }
    output.out(
      `    - ${item.text} (${
        item.kind === 'todo' ? 'still marked TODO' : 'not in the spec yet'
      }; needed to ${DECISION_TITLES[item.blocks].toLocaleLowerCase('en-US')})`,
    );
  }
  return 1;
}
