import { MFAAction } from '@dynamic-labs/sdk-api-core';

/** MFAAction values used as data (which actions the dashboard protects). */
export function useMfaSettings(protectedActions: string[]) {
  return {
    signingProtected: protectedActions.includes(MFAAction.WalletWaasSign),
    queryKey: ['mfa-settings', MFAAction.WalletWaasExport] as const,
  };
}
