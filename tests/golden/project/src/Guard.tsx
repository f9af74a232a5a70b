import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

export function useGuard() {
  const promptMfaAuth = usePromptMfaAuth();
  return async () => {
    await promptMfaAuth({ createMfaToken: true });
  };
}
