import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoardPulse } from '../../src/domain/board/board-pulse.js';
import type { BoardTopic } from '../../src/domain/ports/board-bus.port.js';
import { ProgressPulse } from '../../src/domain/board/progress-pulse.js';

describe('progress pulse (at most one board read per item per second, the last progress never lost)', () => {
  let heard: BoardTopic[];
  let progress: ProgressPulse;
  beforeEach(() => {
    vi.useFakeTimers();
    const pulse = new BoardPulse();
    heard = [];
    pulse.subscribe((topic) => heard.push(topic));
    progress = new ProgressPulse(pulse, 1000);
  });
  afterEach(() => vi.useRealTimers());

  it('pulses the first progress at once and folds the rest of that second into one pulse at its end', () => {
    for (let i = 0; i < 50; i++) progress.progressed('sms-batch', 7);
    expect(heard).toEqual(['progress']);
    vi.advanceTimersByTime(999);
    expect(heard).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(heard).toEqual(['progress', 'progress']);
    // Quiet since: nothing more comes; the next progress a second later pulses at once.
    vi.advanceTimersByTime(5000);
    expect(heard).toHaveLength(2);
    progress.progressed('sms-batch', 7);
    expect(heard).toHaveLength(3);
  });

  it('throttles each item on its own', () => {
    progress.progressed('sms-batch', 1);
    progress.progressed('import', 1);
    progress.progressed('call-task', 1);
    progress.progressed('sms-batch', 2);
    expect(heard).toHaveLength(4);
    progress.progressed('import', 1);
    expect(heard).toHaveLength(4);
    vi.advanceTimersByTime(1000);
    expect(heard).toHaveLength(5);
  });
});
