/*
 * Page behaviour for mkdocs-derivations.
 *
 * mkdocs-material's instant navigation swaps the page content without reloading scripts, so MathJax
 * never sees the new page. On every navigation after the first, the old typeset state is dropped
 * (texReset forgets tags and labels, so explicit \tag numbers are not reported as duplicates) and the
 * new content is typeset. The first emission of document$ is the initial page, which MathJax's own
 * startup typesets.
 *
 * A "by (13)" link inside math is an <a href="#eq-..."> built by MathJax. Left to instant navigation, a
 * click on a same-page anchor within about 100 ms of scrolling changes the address but does not jump
 * (its debounced scroll bookkeeping wins), so these clicks are taken over: setting location.hash makes
 * the browser jump, set :target and fire hashchange, with or without instant navigation.
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

  document.addEventListener(
    "click",
    function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      var link = event.target instanceof Element ? event.target.closest("mjx-container a[href^='#']") : null;
      var target = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) return;
      event.preventDefault();
      event.stopPropagation(); // capture phase: instant navigation never sees the click
      if (window.location.hash === link.getAttribute("href")) {
        target.scrollIntoView();
      } else {
        window.location.hash = link.getAttribute("href");
      }
    },
    true
  );
})();
