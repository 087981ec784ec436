// When each token is next due for rotation under a checked file's `rotate_every`. The dates are
// the plan's (bindings/plan.js through the C core, the same the CLI's plan prints); this module
// only picks them out of it, by token id, for the list and the details to show.

/**
 * @param {object} plan from hub.planAccessTokens
 * @returns {Map<string, { every: string, due: string }>} token id -> its rotate_every and due date
 */
export function dueFromPlan(plan) {
  const due = new Map();
  for (const step of plan?.steps ?? []) {
    if (typeof step.id !== 'string' || typeof step.rotate_every !== 'string' || typeof step.rotate_due !== 'string') continue;
    due.set(step.id, { every: step.rotate_every, due: step.rotate_due });
  }
  return due;
}
