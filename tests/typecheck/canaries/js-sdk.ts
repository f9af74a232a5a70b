import { TokenScope, authenticateTotpMfaDevice, checkStepUpAuth } from '@dynamic-labs-sdk/client';

export async function canary(code: string) {
  await authenticateTotpMfaDevice({ code, requestedScopes: [TokenScope.Walletexport] });
  await checkStepUpAuth({ scope: TokenScope.Walletexport });
  // @ts-expect-error  a string literal is not a TokenScope
  await authenticateTotpMfaDevice({ code, requestedScopes: ['wallet:export'] });
}
