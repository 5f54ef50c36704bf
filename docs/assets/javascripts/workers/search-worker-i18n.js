// Material's search worker, with the query stemmed in the index's language before Material turns each
// term into a prefix search ("term*"), which lunr never stems: without this, inflected forms such as
// "градиентами" or "gradyanların" find nothing. hooks/search_i18n.py points every page at this file.
// It also guards lunr-languages' Snowball stemmers, which throw "faulty slice operation" on some words
// (Turkish ones among them) and would otherwise abort building the whole index: such a word stays unstemmed.
(function () {
  "use strict";
  var language = "en";
  var add = self.addEventListener.bind(self);
  var load = self.importScripts.bind(self);
  function guardStemmers() {
    if (typeof lunr === "undefined") return;
    Object.keys(lunr).forEach(function (code) {
      var plugin = lunr[code];
      if (!plugin || typeof plugin.stemmer !== "function" || plugin.stemmer.guarded) return;
      var original = plugin.stemmer;
      var guarded = function (token) {
        try { return original(token); } catch (error) { return token; }
      };
      guarded.guarded = true;
      if (original.label) {
        delete lunr.Pipeline.registeredFunctions[original.label];
        lunr.Pipeline.registerFunction(guarded, original.label);
      }
      plugin.stemmer = guarded;
    });
  }
  self.importScripts = function () {
    load.apply(null, arguments);
    guardStemmers();
  };
  function stem(query) {
    var stemmer = language === "en" ? lunr.stemmer : (lunr[language] || {}).stemmer;
    if (!stemmer) return query;
    return query.split(/(\s+)/).map(function (word) {
      if (/^\s*$/.test(word) || /["*+\-:^~]/.test(word)) return word;
      try { return stemmer(new lunr.Token(word.toLowerCase())).toString(); } catch (error) { return word; }
    }).join("");
  }
  self.addEventListener = function (type, listener, options) {
    if (type !== "message") return add(type, listener, options);
    return add(type, function (event) {
      var message = event.data;
      if (message && message.type === 0) language = message.data.config.lang[0];
      if (message && message.type === 2 && typeof message.data === "string") {
        var stemmed = { type: 2, data: stem(message.data) };
        return listener.call(this, new MessageEvent("message", { data: stemmed }));
      }
      return listener.call(this, event);
    }, options);
  };
  importScripts(new URL(new URLSearchParams(self.location.search).get("worker"), self.location.href).href);
})();
