/**
 * Summarises a V8 CPU profile (`--cpu-prof`, e.g. from `BENCH_PROFILE=service npm run bench`):
 * self time by package / source area, and the top functions by self and by inclusive time.
 *
 *   node bench/service-profile.ts bench/profiles/service-….cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArgument] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/service-profile.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArgument ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const idle = [...selfTime]
  .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
  .reduce((a, [, us]) => a + us, 0);
/** Percentages are of busy time: what the process spent not idle. */
const total = [...selfTime.values()].reduce((a, b) => a + b, 0) - idle;

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const source = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (source) return `${source[1]}/${source[2]}`;
  return url;
}
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${area(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
function print(title: string, entries: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [key, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
}

const areas = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfTime) {
  const node = byId.get(id)!;
  if (node.callFrame.functionName === '(idle)') continue;
  const a = area(node.callFrame.url, node.callFrame.functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
  selfByFunction.set(label(node), (selfByFunction.get(label(node)) ?? 0) + us);
  // Each distinct function on the stack gets the sample once.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + us);
  }
}
console.log(`${file}: ${(total / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; percentages of busy time`);
print('Self time by area', areas);
print('Self time by function', selfByFunction);
print('Inclusive time by function (our code)', new Map([...inclusive].filter(([l]) => / (src|bench)\//.test(l))));
print('Inclusive time by function (all)', inclusive);
