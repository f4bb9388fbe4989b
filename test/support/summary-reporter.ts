import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, and names each
 * skipped test: a skip must say why (the EventStoreDB suite puts its reason in its name).
 * Before it, the slowest files: the suite has a budget (CI allows it 15 minutes), and what
 * spends it should show in every run's log.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped.push(test.fullName);
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    const slowest = [...modules]
      .map((module) => ({ name: module.moduleId.split('/').slice(-3).join('/'), ms: module.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8);
    const lines = slowest.map(({ name, ms }) => `slow: ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
    lines.push(...skipped.map((name) => `skipped: ${name}`));
    lines.push(`tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
