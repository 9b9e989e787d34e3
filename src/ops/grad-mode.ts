let enabled = true;

/** Whether ops record the graph now. */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording the graph: results do not require grad and hold no history.
 * @example
 * const y = noGrad(() => model.forward(x));   // inference, no graph kept
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on, also inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
