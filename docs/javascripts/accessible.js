/*
  Three things Material's script adds to a page that a screen reader or a
  keyboard cannot use, mended once Material has added them (document$ emits
  after Material has mounted its components, on every page).
*/
document$.subscribe(function () {
  // Each code block's copy button sits in a <nav>: a page with many blocks
  // had many navigation landmarks, all with the same name. It is a toolbar,
  // not a way around the site.
  document.querySelectorAll("nav.md-code__nav").forEach(function (nav) {
    nav.setAttribute("role", "none");
  });

  // An annotation's number is drawn by CSS, which gives its link no name.
  document.querySelectorAll("a.md-annotation__index").forEach(function (link) {
    var number = link.querySelector("[data-md-annotation-id]");
    if (number) {
      link.setAttribute("aria-label",
        "Annotation " + number.getAttribute("data-md-annotation-id"));
    }
  });

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
