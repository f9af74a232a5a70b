import { createClient } from '@dynamic-labs/client';
import { TokenScope } from '@dynamic-labs/sdk-api-core';

const client = createClient({ environmentId: 'env' });

export async function canary(code: string) {
  await client.stepUpAuth.verifyTotpMfa({ code, requestedScopes: [TokenScope.Walletsign] });
  await client.stepUpAuth.isStepUpRequired({ scope: TokenScope.Walletsign });
  // @ts-expect-error  a string literal is not a TokenScope
  await client.stepUpAuth.isStepUpRequired({ scope: 'wallet:sign' });
  // @ts-expect-error  environmentId is required
  createClient({});
}
