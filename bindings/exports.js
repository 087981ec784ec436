// The package's one export list, beside createClient: every entry (index.node.js, index.web.js,
// index.inline.js, index.workerd.js) re-exports this module, so no host condition can lack a name
// that index.d.ts declares (tests/package/exports.test.js bundles each condition and compares).
// Only modules that every host can load belong here: no Node module, no wasm.
export { DockerHubError, ERROR_CODES } from './errors.js';
export { SCOPES } from './scopes.js';
export {
  auditMarkdown,
  hasFindingAtLeast,
  pruneCandidates,
  SEVERITIES,
} from './tools/audit-report.js';
export { parseRetired, retiredLabel } from './tools/retired.js';
