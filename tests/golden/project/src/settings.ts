import { MFAAction } from '@dynamic-labs/sdk-api-core';

export const protectedActions = [MFAAction.WalletWaasSign];
