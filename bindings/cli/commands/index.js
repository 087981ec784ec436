// Every command of the CLI, in the order the help lists them. Each module exports one command:
// { name, args, options, summary, help, run(ctx) }, where ctx is { rest, values, hub, org, io }
// and run resolves to the exit status (nothing means 0). A command with `offline: true` needs no
// organization and no sign-in: its ctx is { rest, values, io }.
// `readOnly: true` marks a command that changes nothing, which a signal stops at once
// (cli/interrupt.js).

import list from './list.js';
import get from './get.js';
import create from './create.js';
import update from './update.js';
import { activate, deactivate } from './activate.js';
import del from './delete.js';
import rotate from './rotate.js';
import audit from './audit.js';
import prune from './prune.js';
import plan from './plan.js';
import apply from './apply.js';
import exportManifest from './export.js';
import scopes from './scopes.js';

export const COMMANDS = Object.fromEntries(
  [
    list,
    get,
    create,
    update,
    activate,
    deactivate,
    del,
    rotate,
    audit,
    prune,
    plan,
    apply,
    exportManifest,
    scopes,
  ].map((c) => [c.name, c]),
);
