// Which targets the page offers for a chosen source language.
//
// The server sends `pairs` (source code -> target codes): Krisp translates any listed
// language to any other, localvt only between the pairs whose models are installed.

/**
 * The targets `source` translates to, in the order of `targets` ([{code, name}]).
 * Without a pair table every target but the source itself is offered.
 */
export function offeredTargets(targets, pairs, source) {
  const list = Array.isArray(targets) ? targets : [];
  if (!pairs || typeof pairs !== "object") return list.filter((language) => language.code !== source);
  const reachable = Array.isArray(pairs[source]) ? pairs[source] : [];
  return list.filter((language) => reachable.includes(language.code));
}

/** `preferred` when it is offered, else the first offered code ("" when none). */
export function chooseTarget(offered, preferred) {
  if (offered.some((language) => language.code === preferred)) return preferred;
  return offered[0]?.code ?? "";
}
