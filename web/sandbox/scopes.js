/** The OAT scopes Docker documents, per resource type: bindings/scopes.js is the one catalogue. */
import { REPO_SCOPES, ORG_SCOPES } from '../../bindings/scopes.js';

export { REPO_SCOPES, ORG_SCOPES };

export const SCOPES_BY_TYPE = Object.freeze({ TYPE_REPO: REPO_SCOPES, TYPE_ORG: ORG_SCOPES });
