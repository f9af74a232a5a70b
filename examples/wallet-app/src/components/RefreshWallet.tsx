import { useIsMfaRequiredForAction, usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';
import { refreshWallet } from '@/lib/wallet';

/** Wallet refresh has no TokenScope in the sdk-api-core that SDK 4.x pins. */
export function RefreshWallet() {
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();

  const onRefresh = async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasRefresh })) {
      await promptMfaAuth({ createMfaToken: true });
    }
    await refreshWallet();
  };

  return <button onClick={onRefresh}>Refresh wallet</button>;
}
