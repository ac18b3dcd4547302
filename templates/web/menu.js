// The contents menu (templates/web/layout.html.j2) works without this file:
// a <details> that screen.css shows open as the side bar on wide screens.
// This only helps a little where it can:
// - a browser that cannot style ::details-content opens the side bar
//   itself on a wide screen, instead of showing it closed;
// - the side bar scrolls to this page's entry when it is out of sight
//   (a long contents), as a reader would look for it.
(function () {
  "use strict";
  var nav = document.querySelector("nav.side-nav");
  var menu = nav && nav.querySelector("details");
  if (!menu) { return; }
  var wide = window.matchMedia("(min-width: 60em)");
  var styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (wide.matches && !styled) { menu.open = true; }
  var current = nav.querySelector("[aria-current=page]");
  if (wide.matches && current && nav.scrollHeight > nav.clientHeight) {
    var top = current.offsetTop, bottom = top + current.offsetHeight;
    if (top < nav.scrollTop || bottom > nav.scrollTop + nav.clientHeight) {
      nav.scrollTop = Math.max(0, top - nav.clientHeight / 3);
    }
  }
})();
