// Site search with the Pagefind index in pagefind/ (built by reviewpress/search.py).
// Everything happens in the browser, from static files: nothing is sent anywhere.
// A search downloads pagefind.js, its WebAssembly, the index chunks for the words
// searched and one small fragment (one section's text) per result shown, RESULTS_PER_PAGE at a time.

const RESULTS_PER_PAGE = 5;
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

async function loadPagefind() {
  if (!pagefind) {
    const base = new URL("pagefind/", siteRoot);
    const loaded = await import(new URL("pagefind.js", base).href);
    // No worker: one file fewer to download, and the search is small enough for the page itself.
    await loaded.options({ basePath: base.pathname, noWorker: true, excerptLength: 24 });
    await loaded.init();
    // A large catalogue is indexed in shards (reviewpress/search.py); search them all.
    const shards = await (await fetch(new URL("shards.json", base))).json();
    for (const shard of shards) await loaded.mergeIndex(new URL(shard, base).pathname);
    pagefind = loaded;
  }
  return pagefind;
}

// A result is a run of sections; show the section that matched best (Pagefind's sub-results).
function bestPart(data) {
  const marks = (excerpt) => (excerpt.match(/<mark>/g) || []).length;
  let best = null;
  for (const sub of data.sub_results || []) {
    if (!best || marks(sub.excerpt || "") > marks(best.excerpt || "")) best = sub;
  }
  return best;
}

// Pagefind's excerpts are text with <mark> around the words found; keep only those two.
function excerptNodes(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html").body.firstChild;
  const out = document.createDocumentFragment();
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  const meta = data.meta || {};
  const part = bestPart(data);
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
  // Two results can share a section title ("Recommendations", "What was good"): the link's name
  // also says which page (and so which review) it is on, for a screen reader's list of links.
  if (meta.page && meta.page !== shown) {
    const where = document.createElement("span");
    where.className = "visually-hidden";
    where.textContent = ` (${meta.page})`;
    link.append(where);
  }
  heading.append(link);
  item.append(heading);
  if (meta.page && meta.page !== shown) {
    const page = document.createElement("p");
    page.className = "search-result-page";
    page.textContent = meta.page;
    item.append(page);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.append(excerptNodes((part && part.excerpt) || data.excerpt || ""));
  item.append(excerpt);
  return item;
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
    status.textContent = `Showing ${shown} of ${results.length} results.`;
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
    status.textContent = "Type a word or phrase, then press Search.";
    return;
  }
  status.textContent = "Searching…";
  try {
    const found = await (await loadPagefind()).search(query);
    if (run !== current) return;
    results = found.results;
    if (!results.length) {
      status.textContent = `No results for “${query}”. Try another word, or browse all reviews.`;
      return;
    }
    await showMore();
    const count = results.length === 1 ? "1 result" : `${results.length} results`;
    status.textContent = `${count} for “${query}”.` + (results.length > shown ? ` Showing the first ${shown}.` : "");
  } catch (error) {
    status.textContent = "Search could not load. It needs the site to be opened from a web server, not as files. You can browse all reviews instead.";
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
