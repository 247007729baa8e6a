/*
 * Page behaviour for mkdocs-derivations.
 *
 * mkdocs-material's instant navigation swaps the page content without reloading scripts, so MathJax
 * never sees the new page. On every navigation after the first, the old typeset state is dropped
 * (texReset forgets tags and labels, so explicit \tag numbers are not reported as duplicates) and the
 * new content is typeset. The first emission of document$ is the initial page, which MathJax's own
 * startup typesets.
 *
 * A "by (13)" link inside math is a plain <a href="#eq-..."> built by MathJax, so a click on it needs no
 * help: the browser (or instant navigation, which handles same-page anchors) jumps and sets :target. The
 * browser tests check that, and the CSS keeps the row clear of the sticky header.
 */
(function () {
  "use strict";

  function mathjaxReady() {
    var mj = window.MathJax;
    return mj && mj.startup && mj.startup.promise && typeof mj.typesetPromise === "function";
  }

  function retypeset() {
    var mj = window.MathJax;
    if (!mathjaxReady()) return; // still starting: its startup typesets the current content
    mj.startup.promise = mj.startup.promise
      .then(function () {
        mj.startup.output.clearCache();
        mj.typesetClear();
        mj.texReset();
        return mj.typesetPromise();
      })
      .catch(function (err) {
        console.error("mkdocs-derivations: typesetting failed", err);
      });
  }

  if (typeof window.document$ !== "undefined") {
    var first = true;
    window.document$.subscribe(function () {
      if (first) {
        first = false;
        return;
      }
      retypeset();
    });
  }
})();
