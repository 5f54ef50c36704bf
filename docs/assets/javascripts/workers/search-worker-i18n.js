// Material's search worker, with the query stemmed in the index's language before Material turns each
// term into a prefix search ("term*"), which lunr never stems: without this, inflected forms such as
// "градиентами" or "gradyanların" find nothing. hooks/search_i18n.py points every page at this file.
(function () {
  "use strict";
  var language = "en";
  var add = self.addEventListener.bind(self);
  function stem(query) {
    var stemmer = language === "en" ? lunr.stemmer : (lunr[language] || {}).stemmer;
    if (!stemmer) return query;
    return query.split(/(\s+)/).map(function (word) {
      if (/^\s*$/.test(word) || /["*+\-:^~]/.test(word)) return word;
      return stemmer(new lunr.Token(word.toLowerCase())).toString();
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
