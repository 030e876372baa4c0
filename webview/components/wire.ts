// Decoding what the host sends, shared by the panels' webviews.

/** Typed arrays arrive as such from VS Code >= 1.57; older hosts send them JSON-encoded. */
export function f64(x: unknown): Float64Array {
  if (x instanceof Float64Array) return x;
  if (ArrayBuffer.isView(x)) return Float64Array.from(x as unknown as ArrayLike<number>);
  const values = Array.isArray(x) ? x : typeof x === 'object' && x !== null ? Object.values(x) : [];
  return Float64Array.from(values, (v) => (v === null ? NaN : Number(v)));
}
