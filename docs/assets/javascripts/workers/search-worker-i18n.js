// Material's search worker, with the query stemmed in the index's language before Material turns each
// term into a prefix search ("term*"), which lunr never stems: without this, inflected forms such as
// "градиентами" or "gradyanların" find nothing. hooks/search_i18n.py points every page at this file.
// It also guards lunr-languages' Snowball stemmers, which throw "faulty slice operation" on some words
// (Turkish ones among them) and would otherwise abort building the whole index: such a word stays unstemmed.
// In the languages of FOLDED, accents are folded ("explosão" and "explosao", "patlaması" and "patlamasi"
// find each other): the index gets each word as written and unaccented, both stemmed, then folded; a query
// word is stemmed, then folded.
(function () {
  "use strict";
  var FOLDED = ["pt", "tr"];
  var TURKISH_PREFIX = 5;
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
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\u0131/g, "i");
  }
  function foldToken(token) {
    return token.update(fold);
  }
  function withUnaccented(token) {
    var unaccented = fold(token.toString());
    return unaccented === token.toString() ? token : [token, token.clone(function () { return unaccented; })];
  }
  function setUpFolding() {
    if (typeof lunr === "undefined" || lunr.Builder.prototype.use.folding) return;
    lunr.Pipeline.registerFunction(foldToken, "foldAccents");
    lunr.Pipeline.registerFunction(withUnaccented, "addUnaccented");
    var use = lunr.Builder.prototype.use;
    var folding = function (plugin) {
      use.apply(this, arguments);
      var code = FOLDED.filter(function (c) { return lunr[c] === plugin; })[0];
      if (!code) return;
      var stemmer = lunr[code].stemmer;
      this.pipeline.before(stemmer, withUnaccented);
      this.pipeline.after(stemmer, foldToken);
      this.searchPipeline.after(stemmer, foldToken);
    };
    folding.folding = true;
    lunr.Builder.prototype.use = folding;
  }
  self.importScripts = function () {
    load.apply(null, arguments);
    guardStemmers();
    setUpFolding();
  };
  function stem(query) {
    var stemmer = language === "en" ? lunr.stemmer : (lunr[language] || {}).stemmer;
    if (!stemmer) return query;
    var folded = FOLDED.indexOf(language) >= 0;
    return query.split(/(\s+)/).map(function (word) {
      if (/^\s*$/.test(word) || /["*+\-:^~]/.test(word)) return word;
      try {
        var forms = [word.toLowerCase()];
        if (language === "tr") forms.push(dotless(forms[0]));
        var stems = forms.map(function (form) { return stemmer(new lunr.Token(form)).toString(); });
        if (language === "tr") stems.push(forms[0].slice(0, TURKISH_PREFIX));
        var stemmed = stems.reduce(function (shortest, stem) { return stem.length < shortest.length ? stem : shortest; });
        return folded ? fold(stemmed) : stemmed;
      } catch (error) { return word; }
    }).join("");
  }
  // Turkish: the Snowball stemmer checks vowel harmony, which puts the dotless "ı" after a back vowel, so
  // "gradyanlari" typed without it is stemmed as "gradyanları" is. It also leaves many suffixes on
  // ("patlaması" stays "patlamas", "patlama" becomes "patla"): a Turkish query word is cut to its first
  // five letters when its stems are longer, the prefix length that works best for Turkish retrieval
  // (Can et al., "Information retrieval on Turkish texts", JASIST 2008). The shortest form wins.
  function dotless(word) {
    var back = false;
    return word.replace(/[aıoueiöü]/g, function (vowel) {
      if (vowel === "i" && back) return "ı";
      back = "aıou".indexOf(vowel) >= 0;
      return vowel;
    });
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
