// list [--all] [--page N] [--page-size N]: a table on stdout and a count on stderr; --json gives
// the page's shape { total, next, previous, results } with or without --all.

import { noArgs, positiveInt, UsageError } from '../args.js';
import { json, listTable, plural, say } from '../output.js';

async function listAll({ values, hub, org, io }, pageSize) {
  const tokens = [];
  for await (const t of hub.listAllAccessTokens(org, pageSize ? { pageSize } : undefined))
    tokens.push(t);
  // The shape of one page, so a script reads both the same way.
  if (values.json)
    return io.stdout.write(
      json({ total: tokens.length, next: null, previous: null, results: tokens }),
    );
  if (tokens.length) io.stdout.write(listTable(tokens));
  return say(io, `${plural(tokens.length, 'token')} in ${org}`);
}

async function run(ctx) {
  const { rest, values, hub, org, io } = ctx;
  noArgs(rest, 'list');
  if (values.all && values.page !== undefined)
    throw new UsageError('give --all or --page, not both');
  const pageSize = positiveInt(values['page-size'], '--page-size', 100);
  if (values.all) return listAll(ctx, pageSize);
  const page = positiveInt(values.page, '--page') ?? 1;
  const result = await hub.listAccessTokens(org, { page, pageSize: pageSize ?? 10 });
  if (values.json) return io.stdout.write(json(result));
  if (result.results.length) io.stdout.write(listTable(result.results));
  const pages = Math.max(1, Math.ceil(result.total / (pageSize ?? 10)));
  return say(
    io,
    `${plural(result.total, 'token')} in ${org}; page ${page} of ${pages}` +
      `${result.next ? ` (next: --page ${page + 1})` : ''}`,
  );
}

export default {
  name: 'list',
  readOnly: true,
  args: '',
  options: { all: { type: 'boolean' }, page: { type: 'string' }, 'page-size': { type: 'string' } },
  summary: "list the organization's tokens",
  help: `  --all             every page (newest first); without it, one page
  --page N          the page to show (default 1)
  --page-size N     tokens per page, 1 to 100 (default 10; 100 with --all)`,
  run,
};
