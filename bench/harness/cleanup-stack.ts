/**
 * Clean-up steps run last-in first-out, each once, each attempted even when an earlier one fails; a failing
 * step is reported, not thrown, so that the rest still runs.
 */
export class CleanupStack {
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  async runAll(log: (line: string) => void): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (err) {
        log(`cleanup: ${step.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
