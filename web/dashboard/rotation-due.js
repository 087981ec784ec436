// When each token is next due for rotation under a checked file's `rotate_every`. The dates are
// the plan's (the C core's `rotation_due`, created_at + rotate_every, the same the CLI's plan
// prints as "next due"); this module only picks them out of it, by token id, for the list and the
// details to show, and says whether one is due already (the plan's `rotate` step).

/**
 * @param {object} plan from hub.planAccessTokens
 * @returns {Map<string, { every: string, due: string }>} token id -> its rotate_every and due date
 */
export function dueFromPlan(plan) {
  const due = new Map();
  for (const step of plan?.steps ?? []) {
    if (
      typeof step.id !== 'string' ||
      typeof step.rotate_every !== 'string' ||
      typeof step.rotation_due !== 'string'
    )
      continue;
    due.set(step.id, { every: step.rotate_every, due: step.rotation_due });
  }
  return due;
}

/** Whether a due date has come (the plan then proposes the rotation). */
export const isDue = (due, now = Date.now()) => Date.parse(due) <= now;
