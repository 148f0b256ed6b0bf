import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A README section's bash block: the commands (continuation lines joined) and the files its comments show. */
export type ReadmeSteps = { commands: string[]; files: Map<string, string[]> };

/**
 * The first ```bash block under the heading `## <title>` of README.md: every command line (a line ending
 * in `\` joined with the next), comments left for bash to ignore, and each file the comments lay out as
 * `#    name.csv:  first line` followed by more lines indented to the same column.
 */
export function readmeSteps(readme: string, title: string): ReadmeSteps {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section "${title}"`);
  const open = text.indexOf('```bash\n', start);
  const body = text.slice(open + '```bash\n'.length, text.indexOf('\n```', open));
  const commands: string[] = [];
  const files = new Map<string, string[]>();
  let file: { lines: string[]; column: number } | null = null;
  let pending = '';
  for (const line of body.split('\n')) {
    const comment = /^#/.test(line);
    const named = /^#(\s+)(\S+\.csv):(\s+)(.*)$/.exec(line);
    if (named) {
      file = { lines: [named[4]!], column: 1 + named[1]!.length + named[2]!.length + 1 + named[3]!.length };
      files.set(named[2]!, file.lines);
      continue;
    }
    if (comment && file && line.length > file.column && line.slice(1, file.column).trim() === '') {
      file.lines.push(line.slice(file.column));
      continue;
    }
    file = null;
    if (comment || line.trim() === '') continue;
    pending += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
    if (!line.endsWith('\\')) {
      commands.push(pending.replace(/\s+/g, ' ').trim());
      pending = '';
    }
  }
  return { commands, files };
}

/** A bash process that runs one command at a time (variables carry over) and hands back each output. */
export function shellSession(cwd: string, env: Record<string, string>) {
  const bash = spawn('bash', ['--norc', '--noprofile'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const script = bash.stdin;
  let exited = false;
  bash.on('exit', () => {
    exited = true;
    waiting?.reject(new Error(`the shell exited; output:\n${out}\n${err}`));
  });
  let out = '';
  let err = '';
  let waiting: { marker: string; resolve: (r: { stdout: string; stderr: string; code: number }) => void; reject: (e: Error) => void } | null = null;
  let seq = 0;
  const check = () => {
    if (!waiting) return;
    const at = out.indexOf(waiting.marker);
    if (at < 0) return;
    const end = out.indexOf('\n', at);
    if (end < 0) return;
    const code = Number(out.slice(at + waiting.marker.length, end));
    const result = { stdout: out.slice(0, at), stderr: err, code };
    out = out.slice(end + 1);
    err = '';
    const w = waiting;
    waiting = null;
    w.resolve(result);
  };
  bash.stdout.on('data', (d) => {
    out += d;
    check();
  });
  bash.stderr.on('data', (d) => (err += d));
  return {
    run(command: string): Promise<{ stdout: string; stderr: string; code: number }> {
      const marker = `__step_${++seq}_done__`;
      if (exited) return Promise.reject(new Error('the shell has exited'));
      return new Promise((resolve, reject) => {
        waiting = { marker, resolve, reject };
        // Each command's stdin is empty (its own line of the script must not be read as its input, as at a
        // terminal with nothing typed); the marker goes on a line of its own.
        script.write(`{ ${command}\n} < /dev/null\nprintf '\\n${marker}%s\\n' "$?"\n`);
      });
    },
    close() {
      script.end();
    },
  };
}
