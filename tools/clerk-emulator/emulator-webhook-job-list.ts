/**
 * Items kept in `seq` order, taken mostly from the front. A head index instead of `shift`/`splice(0, 1)`,
 * which move every element: a benchmark may queue tens of thousands of webhook deliveries.
 */
export class SeqOrderedList<T extends { seq: number }> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The `index`-th item from the front. */
  at(index: number): T | undefined {
    return this.items[this.head + index];
  }

  /** An item whose `seq` is above every other's. */
  push(item: T): void {
    this.items.push(item);
  }

  insert(item: T): void {
    let low = this.head;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.items[middle] as T).seq < item.seq) low = middle + 1;
      else high = middle;
    }
    if (low === this.head && this.head > 0) this.items[(this.head -= 1)] = item;
    else this.items.splice(low, 0, item);
  }

  removeAt(index: number): void {
    if (index > 0) {
      this.items.splice(this.head + index, 1);
      return;
    }
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
