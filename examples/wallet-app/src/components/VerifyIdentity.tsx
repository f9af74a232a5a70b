import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

/** Just "prove it's you": no token asked for. */
export function VerifyIdentity({ onVerified }: { onVerified: () => void }) {
  const promptMfaAuth = usePromptMfaAuth();
  return (
    <button
      onClick={async () => {
        await promptMfaAuth();
        onVerified();
      }}
    >
      Verify it&apos;s you
    </button>
  );
}
