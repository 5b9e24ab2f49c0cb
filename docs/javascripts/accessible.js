/*
  Four things Material's script adds to a page that a screen reader or a
  keyboard cannot use, mended as Material adds them. Material mounts a code
  block (its copy button, its annotations) when the block first comes into
  view (content.lazy in mkdocs.yml), so the first two are mended for the
  blocks there at the start (document$ emits after Material has mounted its
  components, on every page) and for each block mounted later.
*/

// Each code block's copy button sits in a <nav>: a page with many blocks
// had many navigation landmarks, all with the same name. It is a toolbar,
// not a way around the site.
// An annotation's number is drawn by CSS, which gives its link no name.
function mendCode(root) {
  root.querySelectorAll("nav.md-code__nav").forEach(function (nav) {
    nav.setAttribute("role", "none");
  });
  root.querySelectorAll("a.md-annotation__index").forEach(function (link) {
    var number = link.querySelector("[data-md-annotation-id]");
    if (number) {
      link.setAttribute("aria-label",
        "Annotation " + number.getAttribute("data-md-annotation-id"));
    }
  });
}

document$.subscribe(function () {
  var content = document.querySelector(".md-content");
  if (!content) {
    return;
  }
  mendCode(content);
  // Material makes a block that scrolls sideways focusable, on a screen with
  // a pointer that hovers, when it mounts the block: when the block comes
  // into view. Tabbing down the page, the focus could pass a block before it
  // came into view, and skip it. A block not mounted yet is focusable;
  // Material keeps that or takes it back when it mounts the block (a block
  // that takes the focus is brought into view, and so mounted).
  if (matchMedia("(hover)").matches) {
    content.querySelectorAll("pre > code").forEach(function (code) {
      if (!code.parentElement.querySelector(":scope > nav.md-code__nav")) {
        code.setAttribute("tabindex", "0");
      }
    });
  }
  // A block mounted later: Material inserts its <nav> into the <pre>, and
  // its annotations into the code.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        var block = node.nodeType === Node.ELEMENT_NODE && node.closest("pre");
        if (block) {
          mendCode(block);
        }
      });
    });
  }).observe(content, {childList: true, subtree: true});

  // A table wider than the screen scrolls inside its wrapper: a keyboard can
  // scroll it only if it can focus it. Material does this for code blocks.
  var observer = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target;
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
      } else {
        wrap.removeAttribute("tabindex");
      }
    });
  });
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
    observer.observe(wrap);
  });
});
