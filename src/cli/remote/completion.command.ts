import type { Command } from 'commander';

interface Node {
  path: string;
  words: string[];
}

/** Every command path (`""`, `" trails"`, `" trails create"`) with what may follow it. */
export function commandTree(root: Command): Node[] {
  const out: Node[] = [];
  const walk = (cmd: Command, path: string) => {
    const subs = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const options = cmd.options.map((o) => o.long ?? o.short ?? '').filter((s) => s !== '');
    out.push({ path, words: [...subs.map((c) => c.name()), ...options, '--help'] });
    for (const sub of subs) walk(sub, `${path} ${sub.name()}`);
  };
  walk(root, '');
  return out;
}

/** A bash completion function over the command tree (zsh runs it through bashcompinit). */
export function bashCompletion(root: Command): string {
  const tree = commandTree(root);
  const paths = tree
    .filter((n) => n.path !== '')
    .map((n) => `"${n.path}"`)
    .join('|');
  const cases = tree.map((n) => `    "${n.path}") words="${n.words.join(' ')}" ;;`).join('\n');
  return `# opentrail completion (bash): source <(opentrail completion bash)
_opentrail() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" words="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$path $w" in
      ${paths}) path="$path $w" ;;
    esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _opentrail opentrail
`;
}

export function zshCompletion(root: Command): string {
  return `#compdef opentrail
# opentrail completion (zsh): source <(opentrail completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(root).split('\n').slice(1).join('\n')}`;
}

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion <shell>')
    .description(
      'print a completion script: bash or zsh (e.g. source <(opentrail completion bash))',
    )
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bashCompletion(program));
      else if (shell === 'zsh') process.stdout.write(zshCompletion(program));
      else {
        process.stderr.write(`opentrail: completion for bash or zsh, not "${shell}"\n`);
        process.exitCode = 2;
      }
    });
}
