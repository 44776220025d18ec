import { createInterface } from 'node:readline';
import type { CliIo } from './command.js';

async function readStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

/** Asks on the terminal; a Ctrl-C while asking answers "no". */
function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    let answered = false;
    const done = (answer: string) => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(answer);
    };
    rl.on('SIGINT', () => done(''));
    rl.on('close', () => done(''));
    rl.question(question, done);
  });
}

/** The real process's streams, terminal and signals, for the bin. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  readStdin,
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
  // Nobody to ask when stdin is not a terminal (a script, CI): Ctrl-C then leaves the job running.
  ...(process.stdin.isTTY ? { ask } : {}),
};
