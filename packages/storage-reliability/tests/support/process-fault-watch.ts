// Counts what must never happen while faults are injected: unhandled promise
// rejections and uncaught exceptions in the test process (a crash, had it
// been a bot).

export interface ProcessFaultWatch {
  readonly problems: string[];
  stop(): void;
}

export function watchProcessFaults(): ProcessFaultWatch {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`);
  const onException = (error: Error) => problems.push(`uncaughtException: ${String(error?.stack ?? error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    problems,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
