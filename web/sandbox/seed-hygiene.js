/**
 * The `hygiene` seed (`seed: 'hygiene'`, `--seed hygiene`): an organization `initech` on the Team
 * plan, at its limit of 10 tokens, with one token of every kind the token audit reports and two
 * clean ones. Dates are relative to the sandbox's clock, so a fixed `now` gives a fixed world.
 *
 *   label             what the audit finds
 *   ci-pull           nothing (used yesterday, expires in 60 days, one repository)
 *   deploy-prod       nothing (push to one repository, expires in 90 days, used today)
 *   nightly-backup    unused (last used 120 days ago)
 *   onboarding-bot    unused, never used (created 100 days ago)
 *   release-signing   expiring (in 5 days)
 *   q3-report         expired (20 days ago)
 *   old-deploy        inactive
 *   admin-everything  broad (admin, delete and org-write scopes, a wildcard), no expiry
 *   public-mirror     broad (all public repositories beside a private one)
 *   legacy-ci         no expiry
 */
import { formatMicros, DAY_US } from './time.js';

export const HYGIENE_ORG = 'initech';

const repo = (path, ...scopes) => ({ type: 'TYPE_REPO', path, scopes });

/** @param {number} nowUs the sandbox's clock, microseconds since the epoch */
export function hygieneSeed(nowUs) {
  const at = (days) => formatMicros(nowUs + Math.round(days * DAY_US));
  const token = (label, description, created, expires, used, resources, extra = {}) => ({
    label,
    description,
    is_active: true,
    created_at: at(created),
    expires_at: expires === null ? null : at(expires),
    last_used_at: used === null ? null : at(used),
    resources,
    ...extra,
  });
  return {
    users: [{ username: 'initech-owner' }],
    orgs: [
      {
        name: HYGIENE_ORG,
        plan: 'team',
        repositories: ['api', 'web', 'backup', 'tps-reports'],
        owners: ['initech-owner'],
        members: [],
        tokens: [
          token('ci-pull', 'CI pulls the api image', -30, 60, -1, [
            repo('initech/api', 'scope-image-pull'),
          ]),
          token('deploy-prod', 'Pushes the web image on release', -20, 90, -0.1, [
            repo('initech/web', 'scope-image-push'),
          ]),
          token('nightly-backup', 'Backs up images at night; the job was moved', -200, 200, -120, [
            repo('initech/backup', 'scope-image-pull'),
          ]),
          token('onboarding-bot', 'Made for a bot that never shipped', -100, 265, null, [
            repo('initech/api', 'scope-image-pull'),
          ]),
          token('release-signing', 'Signs release images', -360, 5, -1, [
            repo('initech/web', 'scope-image-push'),
          ]),
          token('q3-report', 'Read the audit log for the Q3 report', -120, -20, -25, [
            { type: 'TYPE_ORG', path: HYGIENE_ORG, scopes: ['scope-audit_events-read'] },
          ]),
          token(
            'old-deploy',
            'The deploy job before the migration',
            -300,
            null,
            -150,
            [repo('initech/web', 'scope-image-push')],
            { is_active: false },
          ),
          token('admin-everything', 'Set up in a hurry during an incident', -60, null, -2, [
            repo('initech/*', 'scope-image-delete', 'scope-repository-admin'),
            {
              type: 'TYPE_ORG',
              path: HYGIENE_ORG,
              scopes: ['scope-member-read', 'scope-member-edit'],
            },
          ]),
          token(
            'public-mirror',
            'Mirrors public images, and pulls the api image too',
            -40,
            100,
            -0.5,
            [repo('*/*/public', 'scope-image-pull'), repo('initech/api', 'scope-image-pull')],
          ),
          token('legacy-ci', 'The old CI, still in use', -80, null, -3, [
            repo('initech/tps-reports', 'scope-image-pull'),
          ]),
        ],
      },
    ],
  };
}

/** Named seeds the `seed` option accepts as a string. */
export const NAMED_SEEDS = { hygiene: hygieneSeed };
