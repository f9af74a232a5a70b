import { useIsMfaRequiredForAction, usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';
import type { MFAAction } from '@dynamic-labs/sdk-api-core';

/** A shared guard used for many actions: stepup cannot pick one scope for it. */
export function useProtectedAction() {
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();

  return async (mfaAction: MFAAction, run: () => Promise<void>) => {
    if (await isMfaRequiredForAction({ mfaAction })) {
      await promptMfaAuth({ createMfaToken: true });
    }
    await run();
  };
}
