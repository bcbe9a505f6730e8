import { describe, expect, it } from '@jest/globals';
import { SeqOrderedList } from './emulator-webhook-job-list.js';

function contents(list: SeqOrderedList<{ seq: number }>): number[] {
  return Array.from({ length: list.length }, (_, i) => list.at(i)?.seq ?? -1);
}

describe('SeqOrderedList', () => {
  it('keeps seq order through pushes, inserts and removals from the front and the middle', () => {
    const list = new SeqOrderedList<{ seq: number }>();
    for (const seq of [2, 4, 6, 8]) list.push({ seq });
    list.removeAt(0);
    list.insert({ seq: 1 });
    list.insert({ seq: 5 });
    list.removeAt(2);
    list.insert({ seq: 9 });
    expect(contents(list)).toEqual([1, 4, 6, 8, 9]);
  });

  it('stays whole when many items are taken from the front', () => {
    const list = new SeqOrderedList<{ seq: number }>();
    for (let seq = 0; seq < 5000; seq += 1) list.push({ seq });
    for (let i = 0; i < 4990; i += 1) list.removeAt(0);
    list.insert({ seq: 4989 });
    expect(contents(list)).toEqual([4989, 4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
    list.clear();
    expect(list.length).toBe(0);
  });
});
