/** The whole-flow budget (docs/security.md O1: a launch takes ≤ 15 s); pass the signal to every VseeClient call. */
export function flowDeadline(ms = 15_000): AbortSignal {
  return AbortSignal.timeout(ms);
}
