/**
 * In-process A/B: µs CPU per service upsert command (findAndModify decoded from BSON, as the wire
 * does, reply encoded), memory engine, no socket. Two package roots loaded side by side, in
 * alternating rounds: `node bench/upsert-micro.ts <before-root> [<after-root>]`.
 */
import { BSON } from 'bson';
import { join, resolve } from 'node:path';

const SERVICE_ROOT = join(import.meta.dirname, '../../..');
const { PORTAL_INDEXES } = await import(join(SERVICE_ROOT, 'src/portals/mongo/indexes.ts'));
const { recordedReplacement } = await import(join(SERVICE_ROOT, 'src/portals/mongo/history-outbox.ts'));
const { parsePortalWrite } = await import(join(SERVICE_ROOT, 'src/portals/model.ts'));
const { portalFields } = await import(join(SERVICE_ROOT, 'bench/operations.ts'));

const roots = process.argv.slice(2).map((r) => resolve(r));
if (roots.length === 1) roots.push(join(import.meta.dirname, '..'));

function cmdFor(id: string): Uint8Array {
  const fields = parsePortalWrite(id, { ...portalFields(id, 'web-1'), status: 'active' });
  const lookup = { websiteId: 'web-1', slug: fields.slug.toLowerCase() };
  const write = { revision: `r-${Math.random().toString(36).slice(2)}`, time: new Date(), apiKeyName: 'bench' };
  return BSON.serialize({
    findAndModify: 'billingPortals',
    query: { organizationId: 'org-a', id },
    update: recordedReplacement(fields, { lookup }, write),
    upsert: true,
    new: false,
    fields: { _id: 0, lookup: 0 },
    $db: 'bench',
    lsid: { id: new BSON.UUID() },
  });
}

const trees = await Promise.all(
  roots.map(async (root, t) => {
    const { Engine } = await import(join(root, 'src/storage/database.ts'));
    const { runCommand } = await import(join(root, 'src/commands/index.ts'));
    const { CursorManager } = await import(join(root, 'src/cursors.ts'));
    const { encodeOpMsg } = await import(join(root, 'src/wire.ts'));
    const ctx = {
      engine: new Engine(),
      cursors: new CursorManager(),
      db: 'bench',
      connectionId: 1,
      peer: 'x',
      limits: {},
    };
    await runCommand({ createIndexes: 'billingPortals', indexes: PORTAL_INDEXES.map((i: object) => ({ ...i })) }, ctx);
    for (let i = 0; i < 500; i++) await runCommand(BSON.deserialize(cmdFor(`p-${i}`)), ctx);
    return { label: t === 0 ? 'before' : 'after', runCommand, encodeOpMsg, ctx, samples: [] as number[] };
  }),
);

const N = Number(process.env.N ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 12);
for (let round = 0; round < ROUNDS; round++) {
  for (const tree of round % 2 ? [...trees].reverse() : trees) {
    const cmds: Uint8Array[] = [];
    for (let i = 0; i < N; i++)
      cmds.push(cmdFor(i % 2 === 0 ? `new-${tree.label}-${round}-${i}` : `p-${(i * 7) % 500}`));
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const r = await tree.runCommand(BSON.deserialize(cmds[i]), tree.ctx);
      if (r.ok !== 1) throw new Error(JSON.stringify(r));
      tree.encodeOpMsg(1, r);
    }
    const u = process.cpuUsage(t0);
    if (round > 0) tree.samples.push((u.user + u.system) / N);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const t of trees)
  console.log(
    `${t.label}: median ${median(t.samples).toFixed(0)} µs, min ${Math.min(...t.samples).toFixed(0)} µs CPU per command`,
  );
console.log(`after / before = ${(median(trees[1].samples) / median(trees[0].samples)).toFixed(2)}`);
