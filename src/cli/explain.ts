// `chainrule explain`: the lectures' worked examples (runExample from chainrule's explain), as
// terminal tables, Markdown, or the ledger as JSON.
import { exampleNames, renderJson, runExample, type ExampleName } from '../index.js';
import { choiceOption, CliError, type Parsed } from './args.js';

const FORMATS = ['text', 'markdown', 'json'] as const;

export async function run({ values, positionals }: Parsed): Promise<void> {
  const format = choiceOption(values, 'format', FORMATS, 'text');
  const names = exampleNames();
  const name = positionals[0];
  if (values.list === true || name === undefined) {
    if (name !== undefined) throw new CliError('give either --list or an example name, not both', 2);
    const lines = names.map((n) => `  ${n.padEnd(Math.max(...names.map((m) => m.length)) + 2)}${runExample(n).title}`);
    process.stdout.write(`The worked examples (chainrule explain <example>):\n${lines.join('\n')}\n`);
    return;
  }
  if (!(names as string[]).includes(name)) throw new CliError(`unknown example '${name}'; the examples are ${names.join(', ')}`, 2);
  const result = runExample(name as ExampleName);
  process.stdout.write(format === 'text' ? result.text : format === 'markdown' ? result.markdown : renderJson(result.ledger));
}
