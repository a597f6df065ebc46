// Builds the objects that the core's extract() and targets() return, from
// the columns the core hands over (see crate/src/wasm/mod.rs): the strings
// as one text, a line each, and the numbers in typed arrays that view the
// core's memory for the length of the call. The core imports this module;
// nothing else calls it.

/**
 * `[{kind, value, count?, alternatives?, also?}]`. `kinds` names the kind
 * numbers of `kindOf`. `extras` is a table of the distinct
 * `[alternatives, also, label]` and `extraOf` says which one each target
 * has, from 1, or 0 for none. A count of 1 is left out.
 */
export function unpack_targets(kinds, kindOf, counts, values, extras, extraOf) {
  const lines = counts.length === 0 ? [] : values.split('\n');
  const out = new Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const t = { kind: kinds[kindOf[i]], value: lines[i] };
    if (counts[i] !== 1) t.count = counts[i];
    if (extraOf[i] !== 0) addExtra(t, extras[extraOf[i] - 1]);
    out[i] = t;
  }
  return out;
}

/** Gives `item` its own copies of the table entry's non-empty parts. */
function addExtra(item, [alternatives, also, label]) {
  if (alternatives.length) item.alternatives = alternatives.slice();
  if (also.length) item.also = also.slice();
  if (label !== null) item.label = label;
}

/**
 * `[{kind, value, raw, start, end, alternatives?, also?, label?,
 * derived_from?}]`. `text` is the string that was searched; `spans` holds
 * each match's start and end by turns as byte offsets into its UTF-8 form,
 * and `units` the same as offsets into the string, so that `raw` is a
 * slice of it. `parents` holds the index of the match each was derived
 * from plus one, or 0; `values` an empty line where the value is the raw
 * text; `extras` and `extraOf` as for unpack_targets.
 */
export function unpack_matches(
  text, kinds, kindOf, spans, units, parents, values, extras, extraOf,
) {
  const n = kindOf.length;
  const lines = n === 0 ? [] : values.split('\n');
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const raw = text.slice(units[2 * i], units[2 * i + 1]);
    const m = {
      kind: kinds[kindOf[i]],
      value: lines[i] === '' ? raw : lines[i],
      raw,
      start: spans[2 * i],
      end: spans[2 * i + 1],
    };
    if (parents[i] !== 0) m.derived_from = parents[i] - 1;
    if (extraOf[i] !== 0) addExtra(m, extras[extraOf[i] - 1]);
    out[i] = m;
  }
  return out;
}
