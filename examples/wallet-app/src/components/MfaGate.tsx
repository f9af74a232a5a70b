import type { ReactNode } from 'react';
import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

type Prompt = (options?: { createMfaToken?: boolean }) => Promise<string | undefined>;

function Gate({ prompt, children }: { prompt: Prompt; children: ReactNode }) {
  return <div onClick={() => void prompt({ createMfaToken: true })}>{children}</div>;
}

/** The legacy prompt is handed to a child: its caller keeps the old signature. */
export function MfaGate({ children }: { children: ReactNode }) {
  const promptMfaAuth = usePromptMfaAuth();
  return <Gate prompt={promptMfaAuth}>{children}</Gate>;
}
