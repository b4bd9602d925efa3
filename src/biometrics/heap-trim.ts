// Hands the C heap's free pages back to the kernel (native trimMalloc: glibc malloc_trim). ONNX Runtime
// leaves tens of MB freed but kept by the allocator after a session opens (the model's protobuf and
// load-time copies) and after runs on its threads; the allocator would reuse them, but the appliance's
// resident size is what an operator sizes the machine by. The face engine trims once after loading and
// then at most every HEAP_TRIM_INTERVAL_MS while analyses run: a trim takes about 1-10 ms on the event
// loop, and pages handed back are faulted in again on their next use, so trimming after every analysis
// would cost CPU for nothing.
import { nativeFace } from './native-face.js';

export const HEAP_TRIM_INTERVAL_MS = 10_000;

/** Trims now; true when memory was handed back. */
export function trimCHeap(): boolean {
  return nativeFace().trimMalloc();
}

/** Trims every `intervalMs` when an analysis ran since the last trim; never keeps the process alive. */
export class HeapTrimmer {
  #worked = false;
  readonly #timer: NodeJS.Timeout;

  constructor(intervalMs = HEAP_TRIM_INTERVAL_MS, trim: () => unknown = trimCHeap) {
    this.#timer = setInterval(() => {
      if (!this.#worked) return;
      this.#worked = false;
      trim();
    }, intervalMs);
    this.#timer.unref();
  }

  /** Called after each analysis. */
  noteWork(): void {
    this.#worked = true;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
