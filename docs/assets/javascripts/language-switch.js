// Keeps the reader's section when they pick another language: the language menu's links point at the
// same page in each language (hooks/language_switcher.py) and every language uses the same heading ids,
// so the current #anchor is carried over to the link at the moment it is followed.
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element && event.target.closest("a.md-select__link[hreflang]");
  if (link && location.hash) link.hash = location.hash;
}, true);
