import { useMfa } from '@/auth/useMfa';

export function AdminGate({ code }: { code: string }) {
  const { authenticateDevice } = useMfa();
  return <button onClick={() => authenticateDevice({ code, createMfaToken: true })}>Enter admin</button>;
}
