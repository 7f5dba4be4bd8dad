/*
 * Keyboard and screen-reader fixes for parts that Material for MkDocs
 * builds in the browser, each reported by axe-core
 * (tests/browser/test_accessibility.py):
 *
 * - a block that scrolls sideways (a wide table, a wide diagram) takes
 *   keyboard focus, so that it can be scrolled without a mouse (rule
 *   scrollable-region-focusable). Whether it scrolls depends on the screen
 *   width, so this runs again when the window is resized.
 * - the button bar of each code block is a `<nav>`, hence a landmark, and a
 *   page with several code blocks has several landmarks with the same name
 *   (rule landmark-unique). Each gets its own name, because ARIA allows no
 *   other role on `<nav>`.
 *
 * Material's `document$` emits once per page, including pages reached
 * through instant navigation.
 */
(function () {
  "use strict";

  var SCROLLABLE = ".md-typeset__scrollwrap, .md-typeset div.mermaid";

  function updateScrollableBlocks() {
    var blocks = document.querySelectorAll(SCROLLABLE);
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      if (block.scrollWidth > block.clientWidth) {
        block.setAttribute("tabindex", "0");
      } else {
        block.removeAttribute("tabindex");
      }
    }
  }

  function labelCodeToolbars() {
    var toolbars = document.querySelectorAll("nav.md-code__nav");
    for (var i = 0; i < toolbars.length; i++) {
      var label = "Actions du bloc de code " + (i + 1);
      if (toolbars[i].getAttribute("aria-label") !== label) {
        toolbars[i].setAttribute("aria-label", label);
      }
    }
  }

  // Material adds the code toolbars while it mounts the page, and again
  // after instant navigation: name them as soon as they appear.
  new MutationObserver(function () {
    labelCodeToolbars();
  }).observe(document.body, { childList: true, subtree: true });

  // Measure the tables in the frame after Material has mounted them: the
  // browser lays the page out for that frame anyway.
  document$.subscribe(function () {
    labelCodeToolbars();
    requestAnimationFrame(updateScrollableBlocks);
  });

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(updateScrollableBlocks, 200);
  });
})();
