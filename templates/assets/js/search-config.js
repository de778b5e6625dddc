// mkdocs' search script reads base_url; the search page lives at the site root.
var base_url = ".";
