import { describe, expect, it, vi } from 'vitest';
import { useIsMfaRequiredForAction, usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';
import { ExportKeyButton } from '@/components/ExportKeyButton';

// This test mocks the legacy hooks: it breaks after the rewrite unless updated.
vi.mock('@dynamic-labs/sdk-react-core', () => ({
  useDynamicContext: () => ({ primaryWallet: { address: '0x1' } }),
  useIsMfaRequiredForAction: () => vi.fn(async () => true),
  usePromptMfaAuth: () => vi.fn(async () => 'token'),
}));

describe('ExportKeyButton', () => {
  it('asks for MFA before exporting', () => {
    vi.mocked(usePromptMfaAuth).mockReturnValue(vi.fn());
    expect(useIsMfaRequiredForAction).toBeDefined();
    expect(ExportKeyButton).toBeDefined();
  });
});
