import { useCallback } from 'react';
import {
  useDynamicContext,
  useIsMfaRequiredForAction,
  usePromptMfaAuth,
} from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';
import { exportKey } from '@/lib/wallet';

/** Export the embedded wallet's private key behind Dynamic's MFA modal. */
export function ExportKeyButton() {
  const { primaryWallet } = useDynamicContext();
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();

  const onExport = useCallback(async () => {
    if (!primaryWallet) return;
    const mfaRequired = await isMfaRequiredForAction({
      mfaAction: MFAAction.WalletWaasExport,
    });
    if (mfaRequired) {
      // Opens the MFA modal; the SDK keeps the token for the export call.
      await promptMfaAuth({ createMfaToken: true });
    }
    await exportKey(primaryWallet.address);
  }, [isMfaRequiredForAction, primaryWallet, promptMfaAuth]);

  return <button onClick={onExport}>Export private key</button>;
}
