/*
 * Accent folding for the site's French search (lunr.js in Material's search
 * worker). Appended to lunr.fr.min.js by scripts/hooks/search_accents.py.
 *
 * Material's worker indexes words as written and runs each query word as a
 * prefix match (`terme*`), which skips lunr's query pipeline, so
 * `deploiement` never matched `déploiement`. Folding both sides fixes it:
 *
 * - indexed words go through `foldAccents`, added to the index pipeline
 *   just before the stemmer (Material may then remove the stemmer);
 * - every query clause is folded when lunr builds it, wildcard or not.
 *
 * Results are still highlighted in the original text, because lunr keeps
 * the positions of the words it indexed.
 */
(function (lunr) {
  "use strict";

  if (!lunr || typeof lunr.fr !== "function") {
    throw new Error("search_accents: lunr.fr must be loaded before this code");
  }

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe")
      .replace(/æ/g, "ae");
  }

  function foldAccents(token) {
    return token.update(fold);
  }
  lunr.Pipeline.registerFunction(foldAccents, "foldAccents");

  // Material calls `this.use(lunr.fr)`, then removes lunr.fr's trimmer,
  // stemmer or stop-word filter by reference: keep those properties.
  var french = lunr.fr;
  lunr.fr = function () {
    french.apply(this, arguments);
    this.pipeline.before(french.stemmer, foldAccents);
    if (this.searchPipeline) {
      this.searchPipeline.before(french.stemmer, foldAccents);
    }
  };
  Object.keys(french).forEach(function (key) {
    lunr.fr[key] = french[key];
  });

  var clause = lunr.Query.prototype.clause;
  lunr.Query.prototype.clause = function (spec) {
    if (typeof spec.term === "string") {
      spec.term = fold(spec.term);
    }
    return clause.call(this, spec);
  };
})(self.lunr);
