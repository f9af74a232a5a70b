import { useIsMfaRequiredForAction, usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

// A wrapper: the sensitive call is in its callers.
export function useGuard() {
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();
  return async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.UserUpdate })) {
      await promptMfaAuth({ createMfaToken: true });
    }
  };
}
