// From text offsets to words on the page and back. Entities point into the analysed
// text (the original, or its translation); words carry `begin` offsets into the
// original text, and Translation.segments tie the two texts together.

export const MASK = "\u2588";

/** Every word of the document, numbered in reading order, with its page. */
export function documentWords(document) {
  const words = [];
  for (const page of document?.pages || []) {
    for (const [lineNumber, line] of (page.lines || []).entries()) {
      for (const [wordNumber, word] of (line.words || []).entries()) {
        const begin = typeof word.begin === "number" ? word.begin : null;
        words.push({
          index: words.length,
          page: page.number,
          line: lineNumber,
          word: wordNumber,
          text: word.text,
          begin,
          end: begin === null ? null : begin + word.text.length,
          box: word.geometry.box,
          handwriting: word.text_type === "HANDWRITING",
          confidence: word.confidence,
          masked: word.text.includes(MASK),
        });
      }
    }
  }
  return words;
}

/** The analysis is on the translation: entity offsets must go through the segments. */
export function analysedOnTranslation(document) {
  return document?.medical?.text_source === "translation" && Boolean(document.translation);
}

/** The analysed text entities point into. */
export function analysedText(document) {
  return analysedOnTranslation(document) ? document.translation.text : document?.text || "";
}

/** Where a stretch of the translation came from in the original text (segment-wide). */
export function toOriginal(translation, begin, end) {
  let from = Infinity;
  let to = -Infinity;
  for (const segment of translation.segments || []) {
    if (segment.target_begin < end && begin < segment.target_end) {
      from = Math.min(from, segment.source_begin);
      to = Math.max(to, segment.source_end);
    }
  }
  return from < to ? [from, to] : null;
}

/** Where a stretch of the original text went in the translation (segment-wide). */
export function toTranslation(translation, begin, end) {
  let from = Infinity;
  let to = -Infinity;
  for (const segment of translation.segments || []) {
    if (segment.source_begin < end && begin < segment.source_end) {
      from = Math.min(from, segment.target_begin);
      to = Math.max(to, segment.target_end);
    }
  }
  return from < to ? [from, to] : null;
}

/** An entity's stretch of the original text, or null when it cannot be placed. */
export function originalRange(document, entity) {
  if (analysedOnTranslation(document)) {
    return toOriginal(document.translation, entity.begin, entity.end);
  }
  return [entity.begin, entity.end];
}

export function wordsInRange(words, range) {
  if (!range) return [];
  const [begin, end] = range;
  return words.filter((w) => w.begin !== null && w.begin < end && begin < w.end);
}

/** The words an entity covers on the page images. */
export function entityWords(document, words, entity) {
  return wordsInRange(words, originalRange(document, entity));
}

/** The entities at a word: those whose (mapped) range overlaps it, smallest first. */
export function entitiesAtWord(document, entities, word) {
  if (word.begin === null) return [];
  let range = [word.begin, word.end];
  if (analysedOnTranslation(document)) {
    range = toTranslation(document.translation, word.begin, word.end);
    if (!range) return [];
  }
  return entitiesInRange(entities, range);
}

export function entitiesInRange(entities, [begin, end]) {
  return entities
    .filter((e) => e.begin < end && begin < e.end)
    .sort((a, b) => a.end - a.begin - (b.end - b.begin));
}

/** Cut [0, length) at every boundary of the given spans: the pieces a text is drawn in. */
export function pieces(length, spans) {
  const cuts = new Set([0, length]);
  for (const span of spans) {
    if (span.begin >= 0 && span.begin <= length) cuts.add(span.begin);
    if (span.end >= 0 && span.end <= length) cuts.add(span.end);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const result = [];
  for (let i = 0; i + 1 < sorted.length; i += 1) result.push([sorted[i], sorted[i + 1]]);
  return result;
}

/** The numbers (documentWords) of a field's or cell's words: {line, word} on a page. */
export function structureWords(words, page, refs) {
  const wanted = new Set((refs || []).map((ref) => `${ref.line}:${ref.word}`));
  return words
    .filter((w) => w.page === page && wanted.has(`${w.line}:${w.word}`))
    .map((w) => w.index);
}
