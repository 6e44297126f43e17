// Offsets at the browser boundary. Stored offsets are Unicode code points into the paragraph's
// text (Python's str indices); the DOM counts UTF-16 code units, where 😀 takes two. Everything
// that talks to the server goes through cpToUtf16/utf16ToCp, mirroring annotator/offsets.py.

const isHigh = (code) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code) => code >= 0xdc00 && code <= 0xdfff;

/** Does UTF-16 offset `u` fall between the two halves of a surrogate pair? */
export function insidePair(text, u) {
  return u > 0 && u < text.length && isHigh(text.charCodeAt(u - 1)) && isLow(text.charCodeAt(u));
}

/** Code-point offset -> UTF-16 offset. */
export function cpToUtf16(text, cp) {
  let u = 0;
  for (let i = 0; i < cp; i++) {
    if (u >= text.length) throw new RangeError(`offset ${cp} is past the end of the text`);
    u += isHigh(text.charCodeAt(u)) && isLow(text.charCodeAt(u + 1)) ? 2 : 1;
  }
  return u;
}

/** UTF-16 offset -> code-point offset; an offset inside a surrogate pair is an error. */
export function utf16ToCp(text, u) {
  if (u < 0 || u > text.length) throw new RangeError(`offset ${u} is outside the text`);
  if (insidePair(text, u)) throw new RangeError(`offset ${u} falls inside a surrogate pair`);
  let cp = 0;
  for (let i = 0; i < u; i++) {
    if (!(isLow(text.charCodeAt(i)) && i > 0 && isHigh(text.charCodeAt(i - 1)))) cp++;
  }
  return cp;
}

/** The text of [start, end) in code points, as Python's text[start:end]. */
export function sliceCp(text, start, end) {
  return text.slice(cpToUtf16(text, start), cpToUtf16(text, end));
}

const segmenters = {};
function segments(text, granularity) {
  segmenters[granularity] ??= new Intl.Segmenter(undefined, { granularity });
  return [...segmenters[granularity].segment(text)];
}

/** UTF-16 offsets where user-perceived characters (grapheme clusters) begin, plus the end. */
export function graphemeBoundaries(text) {
  return [...segments(text, "grapheme").map((s) => s.index), text.length];
}

/** Words as UTF-16 [start, end) pairs (letters/digits, not spaces or punctuation). */
export function words(text) {
  return segments(text, "word")
    .filter((s) => s.isWordLike)
    .map((s) => [s.index, s.index + s.segment.length]);
}

/** Widen [s, e) so that it neither starts nor ends inside a grapheme cluster (👩‍❤️‍👩, e+◌́). */
export function snapToGraphemes(text, s, e) {
  const bounds = graphemeBoundaries(text);
  const start = bounds.filter((b) => b <= s).pop() ?? 0;
  const end = bounds.find((b) => b >= e) ?? text.length;
  return [start, end];
}

/** Widen [s, e) to whole words where it cuts into one. */
export function snapToWords(text, s, e) {
  let start = s;
  let end = e;
  for (const [ws, we] of words(text)) {
    if (ws < s && s < we) start = ws;
    if (ws < e && e < we) end = we;
  }
  return [start, end];
}

/** Narrow [s, e) so that it does not start or end with white space. */
export function trimSpaces(text, s, e) {
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  return [s, e];
}

/** The UTF-16 offset of a DOM point (node, offset) within `root`'s text. */
export function pointToUtf16(root, node, offset) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  // Only text nodes count: label tags are CSS-generated, so the root's text is the paragraph.
  return range.toString().length;
}

/** The DOM point (text node, offset) for UTF-16 offset `u` within `root`. */
export function locate(root, u) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (seen + node.length >= u) return { node, offset: u - seen };
    seen += node.length;
    last = node;
  }
  return last ? { node: last, offset: last.length } : { node: root, offset: 0 };
}

/**
 * The paragraph text element and UTF-16 [start, end) covered by a DOM range, or an {error}.
 * A triple-click selection ends at offset 0 of the next paragraph; that is clamped back.
 */
export function rangeToUtf16(range, rootSelector) {
  const rootOf = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest(rootSelector);
  const startRoot = rootOf(range.startContainer);
  const endRoot = rootOf(range.endContainer);
  const root = startRoot || endRoot;
  if (!root) return { error: "Select text inside a paragraph." };
  const start = startRoot === root ? pointToUtf16(root, range.startContainer, range.startOffset) : 0;
  let end = root.textContent.length;
  if (endRoot === root) end = pointToUtf16(root, range.endContainer, range.endOffset);
  else if (endRoot && pointToUtf16(endRoot, range.endContainer, range.endOffset) > 0) {
    return { error: "A span cannot cross paragraphs: select within one paragraph." };
  }
  return { root, start, end };
}

/** Select UTF-16 [anchor, focus) inside `root` (focus may be before anchor). */
export function selectUtf16(root, anchor, focus) {
  const a = locate(root, anchor);
  const f = locate(root, focus);
  window.getSelection().setBaseAndExtent(a.node, a.offset, f.node, f.offset);
}
