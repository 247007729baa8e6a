/*
 * Page behaviour for mkdocs-derivations.
 *
 * mkdocs-material's instant navigation swaps the page content without reloading scripts, so MathJax
 * never sees the new page. On every navigation after the first, the old typeset state is dropped
 * (texReset forgets tags and labels, so explicit \tag numbers are not reported as duplicates) and the
 * new content is typeset. The first emission of document$ is the initial page, which MathJax's own
 * startup typesets.
 *
 * Same-page links of the content (a "by (13)" link inside math, which MathJax builds as <a href="#eq-...">,
 * an equation reference in prose, a footnote mark and its way back) are clicked to jump. Left to instant
 * navigation, a click on a same-page anchor within about 100 ms of scrolling changes the address but does
 * not jump (its debounced scroll bookkeeping wins; a reader who scrolls to a footnote mark and clicks it at
 * once stays where they were), so these clicks are taken over: setting location.hash makes the browser
 * jump, set :target and fire hashchange, with or without instant navigation.
 *
 * Equation references (a.deriv-ref in prose, "by (13)" links inside math) preview the cited equation in a
 * small popup on hover or keyboard focus; Escape, leaving or blurring the link hides it. A same-page
 * target's rendered math is cloned; another page is fetched once (same origin, cached per URL), and only
 * the TeX of its equation is taken (never its HTML), with relative \href links made absolute for that page,
 * then typeset in the popup. Listeners sit on the document, so content swapped in by instant navigation
 * needs no re-binding; each navigation (document$) hides the popup. Without JavaScript the references are
 * plain links.
 *
 * The rows of one math block (a chain, data-deriv-chain) are separate displays, each with its number and
 * badge, so MathJax centres each on its own. Once typeset, each chain is lined up as a book's aligned
 * display is: every row is moved sideways so that its first relation starts where the others' do, and
 * the chain as a whole stays centred. The renderer makes the relation the second item of every row (the
 * start term is one braced group, a later row starts with {}), so it is found without reading the TeX.
 * A chain is left as MathJax set it when a row is hidden, scrolls (wider than the column, as on a
 * phone) or would reach its number; the moves are measured again when the window is resized. A move is
 * written in em of the row's math, so it scales with it when printing makes the text smaller.
 *
 * MathJax keeps a numbered display centred by a margin as wide as the number on both sides; when the row
 * is wider than the column and scrolls, the left one is only a gap at the screen's edge (60-85 px of a
 * 390 px phone), so it is dropped while the row scrolls.
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
      .then(function () {
        document.dispatchEvent(new CustomEvent("deriv-typeset"));
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

  // ----- chains: line up the relations of a math block's rows ------------------------------------------

  var SHIFTED = "data-deriv-shift"; // on the element this script moved (so a preview's clone can undo it)
  var TRIMMED = "data-deriv-trim"; // on a scrolling row's table whose left margin was dropped: MathJax's value
  var GAP_PX = 8; // the least room left between a chain and an equation number

  function chainRow(row) {
    var container = row.querySelector(".arithmatex > mjx-container");
    if (!container) return null;
    var cell = container.querySelector("mjx-mlabeledtr > mjx-mtd"); // a numbered row: a table with a label
    var content = cell || container.querySelector("mjx-math");
    var mover = cell ? container.querySelector("mjx-mtable > mjx-table") : content;
    var rel = content && content.children.length > 1 ? content.children[1] : null;
    if (!mover || !rel) return null;
    var label = container.querySelector("mjx-labels mjx-mtd");
    // Under a stackrel ("by (13)") the relation is the base's content: the base is as wide as the label.
    var base = rel.querySelector("mjx-base");
    return { box: row.querySelector(".arithmatex"), content: content, mover: mover,
             rel: (base && base.firstElementChild) || base || rel, label: label };
  }

  function scrolls(box) {
    return box.scrollWidth > box.clientWidth + 1;
  }

  function unshift(el) {
    el.style.removeProperty("position");
    el.style.removeProperty("left");
    el.removeAttribute(SHIFTED);
  }

  function untrim(table) {
    table.style.marginLeft = table.getAttribute(TRIMMED);
    table.removeAttribute(TRIMMED);
  }

  function trimScrollingRows() {
    document.querySelectorAll(".deriv-eq > .arithmatex").forEach(function (box) {
      var table = box.querySelector("mjx-mtable > mjx-table");
      if (!table) return;
      if (table.hasAttribute(TRIMMED)) untrim(table);
      if (scrolls(box)) {
        table.setAttribute(TRIMMED, table.style.marginLeft);
        table.style.marginLeft = "0px";
      }
    });
  }

  function alignChain(rows) {
    var parts = rows.map(chainRow);
    if (parts.some(function (p) { return !p; })) return;
    parts.forEach(function (p) { unshift(p.mover); });
    var left = -Infinity;
    var right = Infinity;
    var before = 0;
    var after = 0;
    var middle = 0;
    var measured = parts.map(function (p) {
      var c = p.content.getBoundingClientRect();
      var r = p.rel.getBoundingClientRect();
      var b = p.box.getBoundingClientRect();
      return { c: c, at: r.left, box: b, scrolls: scrolls(p.box),
               end: p.label ? p.label.getBoundingClientRect().left - GAP_PX : b.right };
    });
    for (var i = 0; i < measured.length; i++) {
      var m = measured[i];
      if (m.scrolls || m.c.width === 0 || m.box.width === 0) return;
      before = Math.max(before, m.at - m.c.left);
      after = Math.max(after, m.c.right - m.at);
      middle += (m.c.left + m.c.right) / 2 / measured.length;
      left = Math.max(left, m.box.left);
      right = Math.min(right, m.end);
    }
    var at = middle - (before + after) / 2 + before; // where every relation starts: the chain centred
    if (at - before < left - 0.5 || at + after > right + 0.5) return;
    parts.forEach(function (p, k) {
      var dx = at - measured[k].at;
      if (Math.abs(dx) < 0.25) return;
      // In em of the row's own math, not px: printing sets the text (and so the math) smaller without a
      // resize event to measure again, and a move in px then left the rows 5-12 px out of line on paper.
      var em = parseFloat(window.getComputedStyle(p.mover).fontSize) || 16;
      p.mover.style.position = "relative";
      p.mover.style.left = (dx / em).toFixed(4) + "em";
      p.mover.setAttribute(SHIFTED, "");
    });
  }

  function layOut() {
    trimScrollingRows();
    alignChains();
  }

  function alignChains() {
    var chains = new Map();
    document.querySelectorAll(".deriv-eq[data-deriv-chain]").forEach(function (row) {
      var key = row.getAttribute("data-deriv-chain");
      if (!chains.has(key)) chains.set(key, []);
      chains.get(key).push(row);
    });
    chains.forEach(function (rows) {
      if (rows.length > 1) alignChain(rows);
    });
  }

  // ----- names of links inside math --------------------------------------------------------------------

  // MathJax draws a link's text with CSS and hides its output from screen readers (they read the MathML
  // copy instead), so a focused "by (13)" link was announced as "( 1 3 )" at best. Its name is taken from
  // the MathML copy, where the same link's text is plain text.
  function nameMathLinks() {
    document.querySelectorAll("mjx-container a[href]:not([aria-label])").forEach(function (link) {
      var container = link.closest("mjx-container");
      var href = link.getAttribute("href");
      var copies = container ? container.querySelectorAll("mjx-assistive-mml [href]") : [];
      for (var i = 0; i < copies.length; i++) {
        if (copies[i].getAttribute("href") !== href) continue;
        var text = copies[i].textContent.replace(/\s+/g, "");
        if (text) link.setAttribute("aria-label", (/#eq-/.test(href) ? "equation " : "") + text);
        return;
      }
    });
  }

  // ----- a site opened from the file system -----------------------------------------------------------

  // With MkDocs' directory URLs a link names a folder ("../least-squares/"): a web server answers with its
  // index.html, a browser showing files from disk (file://, how an offline copy is often opened) with a
  // folder listing, so every page but the first was a listing. Opened as file://, links to a folder of the
  // site are pointed at its index.html: the navigation, prose references, the graph's boxes and, once
  // typeset, "by (13)" links inside math.
  function fileLinks() {
    if (window.location.protocol !== "file:") return;
    document.querySelectorAll("a[href]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (!href || href.charAt(0) === "#") return;
      var url;
      try {
        url = new URL(href, window.location.href);
      } catch (err) {
        return;
      }
      if (url.protocol !== "file:" || url.pathname.slice(-1) !== "/") return;
      url.pathname += "index.html";
      link.setAttribute("href", url.href);
    });
  }

  fileLinks();

  function afterTypeset() {
    nameMathLinks();
    fileLinks();
    layOut();
  }

  var alignTimer = 0;
  document.addEventListener("deriv-typeset", afterTypeset);
  if (mathjaxReady()) window.MathJax.startup.promise.then(afterTypeset); // in case it started before this script
  window.addEventListener("resize", function () {
    window.clearTimeout(alignTimer);
    alignTimer = window.setTimeout(layOut, 100);
  });

  // The fragment of a link to a place on this page, else "". Read from the resolved URL, not the attribute:
  // instant navigation rewrites the content's links to absolute URLs (href="#fn:x" becomes
  // "http://host/page/#fn:x") at times that vary with the machine's load.
  function samePageHash(link) {
    var url;
    try {
      url = new URL(link.getAttribute("href"), window.location.href);
    } catch (err) {
      return "";
    }
    return samePage(url) && url.hash.length > 1 ? url.hash : "";
  }

  document.addEventListener(
    "click",
    function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      var link = event.target instanceof Element ? event.target.closest("article a[href], mjx-container a[href]") : null;
      var hash = link ? samePageHash(link) : "";
      var target = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
      if (!target) return;
      event.preventDefault();
      event.stopPropagation(); // capture phase: instant navigation never sees the click
      if (window.location.hash === hash) {
        target.scrollIntoView();
      } else {
        window.location.hash = hash;
      }
    },
    true
  );

  // ----- equation previews ---------------------------------------------------------------------------

  var TRIGGER = "a.deriv-ref, mjx-container a[href*='#eq-']";
  var SHOW_DELAY_MS = 150;
  var HIDE_DELAY_MS = 250;
  var pages = new Map(); // page URL without fragment -> Promise<Document>
  var popup = null;
  var current = null; // the link whose preview is shown or being prepared
  var generation = 0; // bumped whenever the popup changes hands, so late fetches are dropped
  var showTimer = 0;
  var hideTimer = 0;

  function getPopup() {
    if (!popup || !popup.isConnected) {
      popup = document.createElement("div");
      popup.id = "deriv-preview";
      popup.className = "md-typeset deriv-preview";
      popup.setAttribute("role", "tooltip");
      popup.hidden = true;
      document.body.appendChild(popup);
    }
    return popup;
  }

  function triggerOf(node) {
    var link = node instanceof Element ? node.closest(TRIGGER) : null;
    return link && !(popup && popup.contains(link)) ? link : null;
  }

  function inPopup(node) {
    return !!(popup && node instanceof Node && popup.contains(node));
  }

  function samePage(url) {
    var here = window.location;
    var strip = function (path) { return path.replace(/index\.html$/, ""); };
    return url.origin === here.origin && strip(url.pathname) === strip(here.pathname);
  }

  function fetchPage(pageUrl) {
    if (!pages.has(pageUrl)) {
      var loading = fetch(pageUrl, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + pageUrl);
          return response.text();
        })
        .then(function (text) {
          return new DOMParser().parseFromString(text, "text/html");
        });
      loading.catch(function () {
        pages.delete(pageUrl); // a failed fetch may succeed next time
      });
      pages.set(pageUrl, loading);
    }
    return pages.get(pageUrl);
  }

  // "by (n)" links inside the fetched TeX are relative to that page; the popup lives on this one.
  function absoluteLinks(tex, pageUrl) {
    return tex.replace(/\\href\{([^{}]*)\}/g, function (whole, href) {
      try {
        var url = new URL(href, pageUrl);
        return url.origin === window.location.origin ? "\\href{" + url.pathname + url.hash + "}" : whole;
      } catch (err) {
        return whole;
      }
    });
  }

  function caption(row, title) {
    var summary = row.querySelector(".deriv-verdict > summary");
    var parts = [];
    if (title) parts.push(title);
    if (summary) parts.push(summary.textContent.replace(/\s+/g, " ").trim());
    var el = document.createElement("div");
    el.className = "deriv-preview-caption";
    el.textContent = parts.join(" · ");
    return el;
  }

  function mathFromTex(tex) {
    var el = document.createElement("div");
    el.className = "arithmatex";
    el.textContent = tex;
    return el;
  }

  // Same page: the rendered equation itself, cloned (or its TeX if MathJax has not reached it yet).
  function localContent(row) {
    var math = row.querySelector(".arithmatex");
    if (!math) return null;
    var clone;
    if (math.querySelector("mjx-container")) {
      clone = math.cloneNode(true);
      clone.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
      clone.querySelectorAll("[" + SHIFTED + "]").forEach(unshift); // the popup is not the chain's column
      clone.querySelectorAll("[" + TRIMMED + "]").forEach(untrim);
      clone.querySelectorAll("[tabindex]").forEach(function (el) { el.setAttribute("tabindex", "-1"); });
      clone.querySelectorAll("a[href]").forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    } else {
      clone = mathFromTex(math.textContent);
    }
    return { math: clone, caption: caption(row, "") };
  }

  function remoteContent(doc, id, pageUrl) {
    var row = doc.getElementById(id);
    var math = row && row.querySelector(".arithmatex");
    if (!math) return null;
    var heading = doc.querySelector("article h1, h1");
    var title = heading ? heading.textContent.replace(/\s+/g, " ").replace(/¶$/, "").trim() : "";
    return { math: mathFromTex(absoluteLinks(math.textContent, pageUrl)), caption: caption(row, title) };
  }

  function typeset(box) {
    var mj = window.MathJax;
    if (!mathjaxReady() || !box.querySelector(".arithmatex") || box.querySelector("mjx-container")) {
      return Promise.resolve();
    }
    var done = mj.startup.promise.then(function () {
      return mj.typesetPromise([box]);
    });
    mj.startup.promise = done.catch(function (err) {
      console.error("mkdocs-derivations: typesetting a preview failed", err);
    });
    return mj.startup.promise;
  }

  function clear() {
    var box = getPopup();
    var mj = window.MathJax;
    if (box.querySelector("mjx-container") && mathjaxReady() && typeof mj.typesetClear === "function") {
      mj.typesetClear([box]); // forget the popup's math, so MathJax's list does not grow with every hover
    }
    box.textContent = "";
  }

  function place(link) {
    var box = getPopup();
    if (box.hidden) return;
    var rect = link.getBoundingClientRect();
    var width = box.offsetWidth;
    var height = box.offsetHeight;
    var margin = 8;
    var viewport = document.documentElement.clientWidth;
    var left = Math.max(margin, Math.min(rect.left, viewport - width - margin));
    var top = rect.bottom + 6;
    if (top + height > window.innerHeight - margin && rect.top - height - 6 >= margin) {
      top = rect.top - height - 6;
    }
    box.style.left = left + window.scrollX + "px";
    box.style.top = top + window.scrollY + "px";
  }

  function fill(link, content, token) {
    if (token !== generation) return;
    var box = getPopup();
    clear();
    if (!content) {
      hide();
      return;
    }
    box.appendChild(content.caption);
    box.appendChild(content.math);
    box.hidden = false;
    box.removeAttribute("aria-busy");
    place(link);
    typeset(box).then(function () {
      if (token === generation) place(link);
    });
  }

  function show(link) {
    window.clearTimeout(showTimer);
    window.clearTimeout(hideTimer);
    if (current === link && !getPopup().hidden) return;
    var url;
    try {
      url = new URL(link.getAttribute("href"), window.location.href);
    } catch (err) {
      return;
    }
    var id = decodeURIComponent(url.hash.slice(1));
    if (!id) return;
    hide();
    current = link;
    var token = ++generation;
    var box = getPopup();
    link.setAttribute("aria-describedby", box.id);
    if (samePage(url)) {
      var row = document.getElementById(id);
      fill(link, row ? localContent(row) : null, token);
      return;
    }
    // Opened from disk, the browser refuses to fetch another file (and logs an error): no preview then.
    if (url.protocol === "file:") {
      hide();
      return;
    }
    var pageUrl = url.href.split("#")[0];
    box.textContent = "Loading…";
    box.setAttribute("aria-busy", "true");
    box.hidden = false;
    place(link);
    fetchPage(pageUrl).then(
      function (doc) {
        fill(link, remoteContent(doc, id, pageUrl), token);
      },
      function () {
        if (token === generation) hide(); // the link still works; only the preview is missing
      }
    );
  }

  function hide() {
    window.clearTimeout(showTimer);
    window.clearTimeout(hideTimer);
    generation++;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    if (popup) {
      clear();
      popup.hidden = true;
      popup.removeAttribute("aria-busy");
    }
  }

  function hideSoon() {
    window.clearTimeout(showTimer);
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, HIDE_DELAY_MS);
  }

  document.addEventListener("mouseover", function (event) {
    if (inPopup(event.target)) {
      window.clearTimeout(hideTimer); // the pointer moved onto the preview: keep it
      return;
    }
    var link = triggerOf(event.target);
    if (!link) return;
    window.clearTimeout(hideTimer);
    if (link === current) return;
    window.clearTimeout(showTimer);
    showTimer = window.setTimeout(function () { show(link); }, SHOW_DELAY_MS);
  });

  document.addEventListener("mouseout", function (event) {
    var from = triggerOf(event.target) || (inPopup(event.target) ? popup : null);
    if (!from) return;
    var to = event.relatedTarget;
    if (to instanceof Node && (from.contains(to) || inPopup(to) || (current && current.contains(to)))) return;
    if (from !== popup && from !== current) {
      window.clearTimeout(showTimer); // left before the delay was up
      return;
    }
    hideSoon();
  });

  document.addEventListener("focusin", function (event) {
    var link = triggerOf(event.target);
    if (link) show(link);
  });

  document.addEventListener("focusout", function (event) {
    if (current && triggerOf(event.target) === current && !inPopup(event.relatedTarget)) hide();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (popup && !popup.hidden) {
      hide();
      return;
    }
    // An open badge closes with Escape too, as a popup would, when the focus is on it or in its details
    // (a <details> element alone only closes with Enter or Space on its summary); the focus returns to
    // its summary.
    var open = document.activeElement instanceof Element
      ? document.activeElement.closest("details.deriv-verdict[open]") : null;
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });

  window.addEventListener("resize", function () {
    if (current) hide();
  });

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(function () {
      hide(); // a navigation swapped the content: the link the popup belonged to is gone
    });
  }
})();
