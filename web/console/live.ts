// Short polling: a view asks again every few seconds while it is shown, never two requests at once.
export function poll(work: () => Promise<boolean>, everyMs: number): () => void {
  let stopped = false;
  let timer: number | undefined;
  const tick = async () => {
    const again = await work().catch(() => true);
    if (!stopped && again) timer = window.setTimeout(tick, everyMs);
  };
  void tick();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
