// Saving a file from a page: a Blob URL and a click on an <a download>.
// Needs no `downloads` permission; the browser asks where to save only when
// the user told it to.

/** Offers `text` as a file named `name`. */
export function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by now; the URL only holds memory.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * `tmlookup-<label>-<UTC date and time>.<ext>`, the label cut to letters,
 * digits, dots and dashes so that no value can name a path.
 */
export function exportName(label, nowMs, ext) {
  const safe = label.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^[.]+/, '').slice(0, 60);
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
  return `tmlookup-${safe || 'view'}-${stamp}.${ext}`;
}
