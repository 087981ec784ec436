// What a strict TypeScript user writes to drive the sandbox's control routes over HTTP, as its
// banner and its 401 message say (sb.controlToken), and the fault fields its README documents.
import {
  startSandbox,
  CONTROL_TOKEN_HEADER,
  RATE_LIMIT_STYLES,
  type FaultSpec,
} from 'dockerhub-oat/sandbox';

export async function control(): Promise<number> {
  const sb = await startSandbox({ port: 0, rateLimitStyle: 'unix' });
  const headers: Record<string, string> = {
    [CONTROL_TOKEN_HEADER]: sb.controlToken,
    'content-type': 'application/json',
  };
  const lost: FaultSpec = { method: 'POST', path: 'access-tokens$', lose: true };
  const limited: FaultSpec = { preset: 'rate-limit-unix', waitSeconds: 3 };
  const res = await fetch(`${sb.url}/_sandbox/faults`, {
    method: 'POST',
    headers,
    body: JSON.stringify([lost, limited]),
  });
  const viaApi: { status: number } = await sb.control('GET', '/_sandbox/requests');
  const same: Record<string, string> = sb.controlHeaders();
  const handlerToken: string = sb.handler.controlToken;
  const styles: readonly string[] = RATE_LIMIT_STYLES;
  await sb.close();
  void [same, handlerToken, styles];
  return res.status + viaApi.status;
}
