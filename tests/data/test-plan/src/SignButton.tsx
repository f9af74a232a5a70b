import { useIsMfaRequiredForAction, usePromptMfaAuth, useDynamicContext } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

export function SignButton() {
  const { primaryWallet } = useDynamicContext();
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();
  const onClick = async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasSign })) {
      await promptMfaAuth({ createMfaToken: true });
    }
    await primaryWallet?.signMessage('hello');
  };
  return <button onClick={onClick}>Sign</button>;
}
