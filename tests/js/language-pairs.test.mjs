import { test } from "node:test";
import assert from "node:assert/strict";

import { chooseTarget, offeredTargets } from "../../static/interpreter/language-pairs.js";

const TARGETS = [
  { code: "en-US", name: "English" },
  { code: "es-ES", name: "Spanish" },
  { code: "eo", name: "Esperanto" },
];

test("only the targets the source translates to are offered, in list order", () => {
  const pairs = { "es-ES": ["eo", "en-US"], "en-US": ["es-ES"] };
  assert.deepEqual(offeredTargets(TARGETS, pairs, "es-ES").map((l) => l.code), ["en-US", "eo"]);
  assert.deepEqual(offeredTargets(TARGETS, pairs, "en-US").map((l) => l.code), ["es-ES"]);
});

test("a source the table does not know translates to nothing", () => {
  assert.deepEqual(offeredTargets(TARGETS, { "en-US": ["es-ES"] }, "eo"), []);
});

test("without a pair table every other language is offered", () => {
  assert.deepEqual(offeredTargets(TARGETS, undefined, "es-ES").map((l) => l.code), ["en-US", "eo"]);
});

test("the chosen target is kept while it is offered, else the first one is chosen", () => {
  const offered = TARGETS.slice(0, 2);
  assert.equal(chooseTarget(offered, "es-ES"), "es-ES");
  assert.equal(chooseTarget(offered, "eo"), "en-US");
  assert.equal(chooseTarget([], "eo"), "");
});
