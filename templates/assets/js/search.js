// Site search with the Pagefind index in pagefind/ (built by reviewpress/search.py).
// Everything happens in the browser, from static files: nothing is sent anywhere.
// A search downloads pagefind.js, its WebAssembly, the index chunks for the words
// searched and one small fragment (one section's text) per result shown, RESULTS_PER_PAGE at a time.

const RESULTS_PER_PAGE = 5;
const EXCERPT_WORDS = 28;
const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const siteRoot = new URL("../../", import.meta.url);

let pagefind = null;
let results = [];
let shown = 0;
let current = 0;
let wanted = { terms: [], common: new Set() };

async function loadPagefind() {
  if (!pagefind) {
    const base = new URL("pagefind/", siteRoot);
    const loaded = await import(new URL("pagefind.js", base).href);
    // No worker: one file fewer to download, and the search is small enough for the page itself.
    await loaded.options({ basePath: base.pathname, noWorker: true });
    await loaded.init();
    // A large catalogue is indexed in shards (reviewpress/search.py); search them all.
    const shards = await (await fetch(new URL("shards.json", base))).json();
    for (const shard of shards) await loaded.mergeIndex(new URL(shard, base).pathname);
    pagefind = loaded;
  }
  return pagefind;
}

// --- which words to mark ---------------------------------------------------------------------
// Pagefind marks every word that matched any word of the query, stems and prefixes included: for
// "health visitor", every "health" on a page about health services, and for "children in need"
// every word that starts with "in". A reader looks for the phrase they typed, so where the words
// stand together only those runs are marked; elsewhere, only the query's words that are not in
// most of the site (a word found everywhere says nothing about why this result was found).

const firstWord = (text) => (text.toLowerCase().match(/[\p{L}\p{N}]+/u) || [""])[0];

function queryTerms(query) {
  return query.split(/\s+/).map(firstWord).filter(Boolean);
}

// Whether a word of the text is the query's word, as Pagefind's stemming would take it
// ("visitors" for "visitor", "child" for "children"), but not any word that merely starts alike.
function sameWord(word, term) {
  if (word === term) return true;
  let n = 0;
  while (n < word.length && n < term.length && word[n] === term[n]) n += 1;
  return n >= 3 && n >= Math.min(word.length, term.length) - 2;
}

let records = 0;  // how many records the index holds

async function commonTerms(found, terms) {
  const common = new Set();
  if (terms.length < 2) return common;
  if (!records) records = (await found.search(null)).results.length;
  for (const term of new Set(terms)) {
    if ((await found.search(term)).results.length > records / 2) common.add(term);
  }
  return common;
}

// --- the excerpt -----------------------------------------------------------------------------
// Built here from the result's text rather than taken from Pagefind, which cuts 30 words out of the
// record wherever its matches are densest: across the end of one numbered paragraph and the start of
// the next ("…counsellor. 1.12 The additional…"), or into a heading. Every element with an id
// (headings, numbered paragraphs) is an anchor in Pagefind's record; the excerpt stays within one
// of those blocks, and a paragraph's number is shown apart from its text.

const HEADING = /^h[1-6]$/i;
const NUMBER = /^\d+(\.\d+)*\.?$/;

function blocksOf(data, words) {
  const starts = [];
  for (const anchor of data.anchors || []) {
    const at = anchor.location;
    const text = (anchor.text || "").trim();
    if (HEADING.test(anchor.element)) {
      // Pagefind ends a heading's text with a full stop; what follows it is a block of its own.
      starts.push({ at, heading: true });
      starts.push({ at: at + Math.max(1, text.split(/\s+/).length), heading: false });
    } else if (NUMBER.test(text) && words[at] === text) {
      starts.push({ at, heading: false, number: text });
    } else {
      starts.push({ at, heading: false });
    }
  }
  starts.push({ at: 0, heading: false });
  starts.sort((a, b) => a.at - b.at);
  const blocks = [];
  for (const start of starts) {
    const last = blocks[blocks.length - 1];
    if (last && last.start === start.at) Object.assign(last, start.number ? { number: start.number } : {}, start.heading ? { heading: true } : {});
    else blocks.push({ start: start.at, heading: start.heading, number: start.number });
  }
  blocks.forEach((block, i) => { block.end = i + 1 < blocks.length ? blocks[i + 1].start : words.length; });
  return blocks.filter((block) => block.end > block.start);
}

// The runs of words to mark: [first word, last word] pairs, by position in the text.
function markedRuns(words, locations, terms, common) {
  const hits = new Set(locations);
  const sorted = [...hits].sort((a, b) => a - b);
  const word = (at) => firstWord(words[at] || "");
  if (terms.length > 1) {
    const phrases = sorted.filter((at) => terms.every((term, i) => hits.has(at + i) && sameWord(word(at + i), term)))
      .map((at) => [at, at + terms.length - 1]);
    if (phrases.length) return phrases;
  }
  const matches = (wantedTerms) => sorted.filter((at) => wantedTerms.some((term) => sameWord(word(at), term))).map((at) => [at, at]);
  const rare = terms.filter((term) => !common.has(term));
  for (const runs of [matches(rare), matches(terms)]) if (runs.length) return runs;
  return sorted.map((at) => [at, at]);
}

function excerptOf(data, terms, common) {
  const words = (data.raw_content ?? data.content ?? "").split(/[\r\n\s]+/g);
  const runs = markedRuns(words, data.locations || [], terms, common);
  const blocks = blocksOf(data, words);
  const blockAt = (at) => blocks.find((block) => block.start <= at && at < block.end) || blocks[0];
  // The block with the most runs; a heading's own words count least (the result's title shows it).
  let best = null;
  let bestScore = -1;
  for (const block of blocks) {
    const inside = runs.filter(([first]) => block.start <= first && first < block.end).length;
    const score = block.heading ? Math.min(inside, 0.5) : inside;
    if (score > bestScore) [best, bestScore] = [block, score];
  }
  if (!best) return { nodes: document.createDocumentFragment(), block: null };
  if (best.heading) best = blockAt(best.end) || best;  // only the heading matched: show what it heads
  const textStart = best.number ? best.start + 1 : best.start;
  const firstRun = runs.find(([first]) => first >= textStart && first < best.end);
  let start = Math.max(textStart, (firstRun ? firstRun[0] : textStart) - 6);
  const end = Math.min(best.end, start + EXCERPT_WORDS);
  start = Math.max(textStart, Math.min(start, end - EXCERPT_WORDS));
  return { nodes: excerptNodes(words, start, end, runs, start > textStart, end < best.end), block: best };
}

// A run is marked from its first letter to the end of its last word's letters: "“Health visitors,"
// marks "Health visitors", "visitor/counsellor." marks "visitor". Built as text nodes, never parsed.
function excerptNodes(words, start, end, runs, cutBefore, cutAfter) {
  const out = document.createDocumentFragment();
  let text = cutBefore ? "… " : "";
  let at = start;
  const flush = () => { if (text) out.append(document.createTextNode(text)); text = ""; };
  while (at < end) {
    const run = runs.find(([first, last]) => first === at && last < end);
    if (!run) {
      text += (at > start ? " " : "") + words[at];
      at += 1;
      continue;
    }
    const head = words[run[0]].match(/^[^\p{L}\p{N}]*/u)[0];
    const lastWord = words[run[1]].slice(run[0] === run[1] ? head.length : 0);
    const tail = lastWord.match(/^[\p{L}\p{N}]+(?:['’][\p{L}]+)?/u);
    const inner = [words[run[0]].slice(head.length), ...words.slice(run[0] + 1, run[1] + 1)];
    inner[inner.length - 1] = tail ? tail[0] : inner[inner.length - 1];
    text += (at > start ? " " : "") + head;
    flush();
    const mark = document.createElement("mark");
    mark.textContent = run[0] === run[1] ? (tail ? tail[0] : lastWord) : inner.join(" ");
    out.append(mark);
    text += tail ? lastWord.slice(tail[0].length) : "";
    at = run[1] + 1;
  }
  text += cutAfter ? " …" : "";
  flush();
  return out;
}

// --- a result --------------------------------------------------------------------------------

// A result is a run of sections (Pagefind's sub-results, one per heading): the one holding the excerpt.
function sectionOf(data, block) {
  const place = (sub) => (sub.anchor ? sub.anchor.location : 0);
  const subs = [...(data.sub_results || [])].sort((a, b) => place(a) - place(b));
  let found = subs[0] || null;
  for (const sub of subs) if (block && place(sub) <= block.start) found = sub;
  return found;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  const meta = data.meta || {};
  const { nodes, block } = excerptOf(data, wanted.terms, wanted.common);
  const part = sectionOf(data, block);
  // meta.url is the page's address and the anchor of the record's first section; a sub-result's
  // anchor is the section that matched.
  const pageUrl = (meta.url || data.url).replace(/^\//, "").replace(/#.*$/, "");
  const title = part && part.anchor ? part.title : meta.title;
  // The page's own title (its h1) leads to the page itself: the same address as every other link to it.
  const anchor = title && title === meta.page ? ""
    : part && part.anchor && part.anchor.id ? `#${part.anchor.id}` : (meta.url || "").replace(/^[^#]*/, "");
  const link = document.createElement("a");
  link.href = new URL(pageUrl + anchor, siteRoot).href;
  const shown = title || meta.title || pageUrl;
  link.textContent = shown;
  // Sections of different reviews share titles ("2. Children in need", "What was good"): the title
  // says which review (and which of its pages, but for the full report), on screen and in the
  // link's name. A title that already names the review (a page's own heading) is left as it is.
  const review = meta.review || (meta.page !== shown ? meta.page : "") || "";
  let named = review && !shown.includes(review) ? review : "";
  if (named && meta.output && meta.output !== "Full report") named += `, ${meta.output.toLowerCase()}`;
  if (named) {
    const where = document.createElement("span");
    where.className = "search-result-review";
    where.textContent = ` — ${named}`;
    link.append(where);
  }
  heading.append(link);
  item.append(heading);
  // Under the title: which of the review's pages (unless the title says), and the number of the
  // paragraph the excerpt is from (kept out of the excerpt's text, where it would run into the
  // sentence before).
  const output = meta.review && meta.output && !named.includes(meta.output.toLowerCase()) ? meta.output : "";
  const context = [output, block && block.number ? `paragraph ${block.number}` : ""].filter(Boolean).join(", ");
  if (context) {
    const page = document.createElement("p");
    page.className = "search-result-page";
    page.textContent = context.charAt(0).toUpperCase() + context.slice(1);
    item.append(page);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.append(nodes);
  item.append(excerpt);
  return item;
}

// --- the search ------------------------------------------------------------------------------

// The status line, with a link to the list of reviews; the query is the reader's text, shown as text.
function say(...parts) {
  status.replaceChildren(...parts.map((part) => {
    if (typeof part === "string") return document.createTextNode(part);
    const link = document.createElement("a");
    link.href = siteRoot.href;
    link.textContent = part.link;
    return link;
  }));
}

async function showMore() {
  const run = current;
  const batch = results.slice(shown, shown + RESULTS_PER_PAGE);
  const data = await Promise.all(batch.map((result) => result.data()));
  if (run !== current) return;
  const first = shown === 0;
  for (const d of data) list.append(resultItem(d));
  shown += batch.length;
  more.hidden = shown >= results.length;
  if (!first) {
    say(`Showing ${shown} of ${results.length} results.`);
    list.children[shown - batch.length].querySelector("a").focus();
  }
}

async function search(query) {
  const run = ++current;
  list.replaceChildren();
  more.hidden = true;
  results = [];
  shown = 0;
  if (!query.trim()) {
    say("Type a word or phrase, then press Search.");
    return;
  }
  say("Searching…");
  try {
    const found = await loadPagefind();
    const terms = queryTerms(query);
    const all = (await found.search(query)).results;
    // Results that hold the words as a phrase come first, in Pagefind's order; then the others.
    let ordered = all;
    if (terms.length > 1 && all.length) {
      const phrase = new Set((await found.search(`"${terms.join(" ")}"`)).results.map((result) => result.id));
      ordered = [...all.filter((result) => phrase.has(result.id)), ...all.filter((result) => !phrase.has(result.id))];
    }
    const common = await commonTerms(found, terms);
    if (run !== current) return;
    results = ordered;
    wanted = { terms, common };
    if (!results.length) {
      say(`No results for “${query}”. Try another word, or `, { link: "browse all reviews" }, ".");
      return;
    }
    await showMore();
    const count = results.length === 1 ? "1 result" : `${results.length} results`;
    say(`${count} for “${query}”.` + (results.length > shown ? ` Showing the first ${shown}.` : ""));
  } catch (error) {
    say("Search could not load. It needs the site to be opened from a web server, not as files. You can ",
      { link: "browse all reviews" }, " instead.");
    throw error;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(window.location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  search(input.value);
});
more.addEventListener("click", () => showMore());

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
