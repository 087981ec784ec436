// A scheduled token audit on Cloudflare Workers: on every cron trigger it audits the organization
// and posts the markdown report to a webhook ({"text": markdown}, which Slack, Mattermost and
// Teams-style incoming webhooks accept). Configure in wrangler.toml:
//   [triggers] crons = ["0 8 * * 1"]
//   vars: ORG, WEBHOOK_URL, HUB_IDENTIFIER, optional PLAN ("team" | "business"), HUB_URL
//   secret: HUB_SECRET (wrangler secret put HUB_SECRET)
import { createClient, auditMarkdown } from 'dockerhub-oat';
import wasm from 'dockerhub-oat/dockerhub_oat.wasm'; // a WebAssembly.Module: Workers cannot compile bytes

export default {
  async scheduled(controller, env) {
    const hub = await createClient({
      wasm,
      baseUrl: env.HUB_URL || undefined,
      credentials: { identifier: env.HUB_IDENTIFIER, secret: env.HUB_SECRET },
    });
    try {
      const report = await hub.auditAccessTokens(env.ORG, { now: controller.scheduledTime, plan: env.PLAN || undefined });
      const res = await fetch(env.WEBHOOK_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: auditMarkdown(report) }),
        redirect: 'manual', // the report goes to WEBHOOK_URL only, never where a redirect points
      });
      // A failed run shows in the Worker's logs and cron history; the secret is in no message.
      if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400))
        throw new Error(`the webhook answered a redirect (HTTP ${res.status}): not followed; set WEBHOOK_URL to the final address`);
      if (!res.ok) throw new Error(`the webhook answered HTTP ${res.status}`);
    } finally {
      hub.close();
    }
  },
};
