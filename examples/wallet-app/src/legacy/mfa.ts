// An old wrapper some screens still import: reported once they are migrated.
export { useMfa, usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';
