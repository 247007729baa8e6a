/*
 * MathJax 3 configuration for mkdocs-derivations. Loaded before assets/mathjax/tex-chtml-full.js, which
 * reads window.MathJax when it starts.
 *
 * Why each setting:
 * - Delimiters and ignore/processHtmlClass are mkdocs-material's recommendation for pymdownx.arithmatex in
 *   generic mode: only elements with class "arithmatex" are typeset, so code blocks and the verdict details
 *   are never touched.
 * - tags "none": the renderer numbers equations itself and writes an explicit \tag{n}; MathJax must not add
 *   numbers of its own (an "ams" setting would number environments like align on top of ours).
 * - ui/safe plus the packages removed below: a spec author writes TeX, but must not be able to put
 *   classes, ids, styles or script links into the page through it. \href stays (the renderer links
 *   "by (13)" to #eq-...), filtered to links without a protocol (#fragment, relative) and http(s): safe
 *   mode's own filter is replaced in startup.ready, since it took "java<newline>script:" for a link
 *   without a protocol (the browser drops the line break).
 * - The site is served offline with only the files listed in mathjax_assets.py, so nothing may load more
 *   MathJax components later (\require, autoload, menu items that switch renderer or start the a11y
 *   explorer): see the allow-list guard in startup.ready. A menu setting saved in localStorage (by this
 *   site, or by another MathJax site on the same origin) that needs such a component would stall
 *   typesetting for good, so those settings are dropped before MathJax reads them.
 * - inTabOrder false: by default the menu makes every formula a tab stop (tabindex="0"), so a keyboard
 *   user tabs through dozens of inline formulas between two links. The stop only gives keyboard access
 *   to MathJax's menu (the explorer it could start is not served). Links inside math (\href) stay tab
 *   stops, screen readers still read the hidden MathML, and a wide equation's scroll box becomes a tab
 *   stop of its own in browsers that focus scrollers (Chromium, Firefox; not Safari), so it can still be
 *   scrolled by keyboard. A reader who wants the stops back ticks "Include in Tab Order" in the menu
 *   (right click); MathJax stores that choice and it wins over this default.
 * - A site's own TeX macros are kept: a script of the site's extra_javascript (MkDocs loads those before
 *   the plugin's) may set window.MathJax = {tex: {macros: {...}}}, as MathJax's documentation shows. This
 *   file replaces window.MathJax, which dropped them without a word and left every \RR of the site's
 *   pages an undefined-macro error. Only the macros are taken: every other setting above stays.
 */
(function () {
  "use strict";
  var key = "MathJax-Menu-Settings";
  try {
    var stored = JSON.parse(window.localStorage.getItem(key) || "null");
    if (stored && typeof stored === "object") {
      ["renderer", "explorer", "collapsible", "autocollapse"].forEach(function (name) {
        delete stored[name];
      });
      window.localStorage.setItem(key, JSON.stringify(stored));
    }
  } catch (err) {
    // Storage blocked or not JSON: MathJax copes with both on its own.
  }
})();

window.MathJax = {
  loader: {
    load: ["ui/safe"],
  },
  tex: {
    // The site's macros (read before this object replaces window.MathJax): from a configuration object,
    // or from a MathJax the site already loaded itself.
    macros: (function (own) {
      var tex = own && (own.config ? own.config.tex : own.tex);
      var macros = tex && tex.macros;
      return macros && typeof macros === "object" ? macros : {};
    })(window.MathJax),
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "none",
    packages: {
      "[-]": [
        "bbox", // \bbox[style] writes CSS
        "unicode", // \unicode[font-family] picks arbitrary fonts
        "require", // \require fetches extensions that are not served
        "autoload", // fetches extensions on first use
        "setoptions", // \setOptions changes TeX settings from the page
        "noerrors", // an error must show as an error, not as plausible-looking raw TeX
        "noundefined", // same for an undefined macro
      ],
    },
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    safeOptions: {
      allow: { URLs: "safe", classes: "none", cssIDs: "none", styles: "none" },
      safeProtocols: { http: true, https: true, file: false, "javascript": false, data: false },
    },
    menuOptions: {
      settings: { renderer: "CHTML", explorer: false, collapsible: false, assistiveMml: true, inTabOrder: false },
    },
  },
  startup: {
    // The page script lines up the relations of each chain once the page is typeset (derivations.js).
    pageReady: function () {
      "use strict";
      return window.MathJax.startup.defaultPageReady().then(function () {
        document.dispatchEvent(new CustomEvent("deriv-typeset"));
      });
    },
    ready: function () {
      "use strict";
      var loader = window.MathJax.loader;
      // Only components already inside tex-chtml-full.js, or copied next to it (mathjax_assets.py), may
      // load; anything else would be a request for a file the site does not have.
      var copied = ["ui/safe"];
      var packages = window.MathJax._.components.package.Package.packages;
      var load = loader.load;
      loader.load = function () {
        var names = Array.prototype.slice.call(arguments);
        var missing = names.filter(function (name) {
          var pkg = packages.get(name);
          return copied.indexOf(name) < 0 && !(pkg && pkg.isLoaded);
        });
        if (missing.length) {
          return Promise.reject(new Error("mkdocs-derivations: not served offline: " + missing.join(", ")));
        }
        return load.apply(loader, names);
      };
      window.MathJax.startup.defaultReady();
      var doc = window.MathJax.startup.document;
      var safe = doc && doc.safe;
      if (safe && safe.filterMethods && safe.filterMethods.filterURL) {
        // MathJax reads a link's scheme with /^\s*([a-z]+):/, so "java<newline>script:" has none and passes
        // as a relative link; the browser drops the line break and runs it. Tabs, line breaks and other
        // control characters are taken out first, as the browser does, and only #fragments, relative links
        // and http(s) remain.
        var filterURL = safe.filterMethods.filterURL;
        safe.filterMethods.filterURL = function (filter, url) {
          var compact = String(url).replace(/[\u0000-\u0020\u007f]+/g, "");
          var scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
          if (scheme && !/^https?$/i.test(scheme[1])) return null;
          return filterURL.call(this, filter, compact);
        };
      }
      var menu = doc && doc.menu && doc.menu.menu;
      if (menu) {
        // Items whose only effect is loading a component the site does not serve.
        [["Settings", "Renderer", "SVG"], ["Accessibility", "Activate"], ["Accessibility", "Collapsible"],
         ["Accessibility", "AutoCollapse"], ["Language"]].forEach(function (path) {
          var item = menu.findID.apply(menu, path);
          if (item && item.disable) item.disable();
        });
      }
    },
  },
};
