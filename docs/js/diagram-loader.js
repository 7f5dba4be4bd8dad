/*
 * Lazy loader for the self-hosted Mermaid build (docs/js/mermaid.min.js).
 *
 * Material for MkDocs renders every `pre.mermaid` block through the global
 * `mermaid` object, and fetches Mermaid from a CDN when that global is
 * missing. This script runs on every page before Material mounts the page
 * content, and installs a small stand-in for that global:
 *
 * - `initialize(config)` only stores Material's configuration;
 * - `render(id, text)` waits until the diagram's block comes near the
 *   viewport, then loads mermaid.min.js (once per visit, asynchronously) and
 *   hands the call to the real Mermaid.
 *
 * So a page without a diagram never downloads the 3.5 MB script, and a page
 * whose diagrams are below the first screen is not blocked by Mermaid while
 * it loads. Being on every page, the stand-in also serves pages reached
 * through instant navigation, and it stays in `window.mermaid` after the
 * real Mermaid has loaded, so that every diagram goes through it.
 *
 * After rendering, a diagram is never shrunk below 75 % of its natural size,
 * so Mermaid's 16 px text stays at 12 px or more on a phone. A wider diagram
 * scrolls sideways in its block instead (see stylesheets/extra.css).
 */
(function () {
  "use strict";

  if (typeof window.mermaid !== "undefined" &&
      !(window.mermaid instanceof Element)) {
    return;  // the real Mermaid or the stand-in is already installed
  }

  // mermaid.min.js sits beside this script (scripts/hooks/mermaid_loader.py).
  var source = new URL("mermaid.min.js", document.currentScript.src).href;

  // Start rendering when a diagram is less than half a screen away: far
  // enough to be drawn before it is read, near enough that a diagram
  // below the first screen and a half costs nothing while the page loads.
  var margin = "50% 0px";
  var minimumScale = 0.75;

  var storedConfig = null;
  var mermaid = null;
  var loading = null;
  var claimed = new WeakSet();

  function loadMermaid() {
    if (loading) {
      return loading;
    }
    loading = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = source;
      script.async = true;
      script.onload = function () {
        var loaded = window.mermaid;
        window.mermaid = stub;
        if (loaded === stub || typeof loaded.render !== "function") {
          reject(new Error("Mermaid did not define window.mermaid: " + source));
          return;
        }
        if (storedConfig) {
          loaded.initialize(storedConfig);
        }
        mermaid = loaded;
        resolve(loaded);
      };
      script.onerror = function () {
        loading = null;  // a later diagram may try again
        reject(new Error("Mermaid could not be loaded: " + source));
      };
      document.head.appendChild(script);
    });
    return loading;
  }

  // Material calls render(id, text) for each block it mounts, right after
  // giving the block back its `mermaid` class. Find that block by its text.
  function findBlock(text) {
    var blocks = document.querySelectorAll("pre.mermaid");
    for (var i = 0; i < blocks.length; i++) {
      if (!claimed.has(blocks[i]) && blocks[i].textContent === text) {
        claimed.add(blocks[i]);
        return blocks[i];
      }
    }
    return null;
  }

  function whenNearViewport(block) {
    return new Promise(function (resolve) {
      if (!block || !("IntersectionObserver" in window)) {
        resolve();
        return;
      }
      var observer = new IntersectionObserver(function (entries) {
        for (var i = 0; i < entries.length; i++) {
          if (entries[i].isIntersecting) {
            observer.disconnect();
            resolve();
            return;
          }
        }
      }, { rootMargin: margin });
      observer.observe(block);
    });
  }

  // Material calls `fn(shadowRoot)` once the diagram is in the page.
  function keepLegible(shadowRoot) {
    var svg = shadowRoot.querySelector("svg");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal) {
      return;
    }
    var naturalWidth = svg.viewBox.baseVal.width;
    if (naturalWidth > 0) {
      svg.style.minWidth = Math.round(naturalWidth * minimumScale) + "px";
    }
    // A block that scrolls sideways must be reachable with the keyboard.
    var host = shadowRoot.host;
    if (host.scrollWidth > host.clientWidth) {
      host.setAttribute("tabindex", "0");
    }
  }

  var stub = {
    initialize: function (config) {
      storedConfig = config;
      if (mermaid) {
        mermaid.initialize(config);
      }
    },
    render: function (id, text) {
      return whenNearViewport(findBlock(text))
        .then(loadMermaid)
        .then(function (loaded) {
          return loaded.render(id, text);
        })
        .then(function (result) {
          return { svg: result.svg, fn: keepLegible };
        });
    }
  };

  window.mermaid = stub;
})();
