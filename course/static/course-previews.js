/* Reading the Caliphate: previews of reading paragraphs, glossary terms and references, shown on
   hover and on keyboard focus. Built offline (course/sphinxext/previews.py); no third-party code. */
(function () {
  "use strict";
  var SELECTOR = 'a[data-preview], a.reference.internal[title][href*="#"]';
  var tip = null, current = null, hideTimer = null;

  function previewText(link) {
    if (link.hasAttribute("data-preview")) return link.getAttribute("data-preview");
    return "";
  }
  function ensureTip() {
    if (tip) return tip;
    tip = document.createElement("div");
    tip.id = "course-preview";
    tip.className = "course-preview";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    tip.addEventListener("mouseleave", function () { scheduleHide(); });
    document.body.appendChild(tip);
    return tip;
  }
  function show(link) {
    var text = previewText(link);
    if (!text) return;
    clearTimeout(hideTimer);
    if (current && current !== link) current.removeAttribute("aria-describedby");
    var t = ensureTip();
    t.textContent = text;
    t.hidden = false;
    var r = link.getBoundingClientRect();
    var width = Math.min(420, document.documentElement.clientWidth - 16);
    t.style.maxWidth = width + "px";
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    t.style.left = left + "px";
    t.style.top = (r.bottom + window.scrollY + 6) + "px";
    link.setAttribute("aria-describedby", "course-preview");
    current = link;
  }
  function hide() {
    if (tip) tip.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }
  function scheduleHide() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 250); }

  function init() {
    var links = document.querySelectorAll(SELECTOR);
    links.forEach(function (link) {
      // the paragraph and citation previews come as title; move them to the accessible preview
      if (!link.hasAttribute("data-preview") && link.hasAttribute("title")) {
        var isPreview = link.querySelector(".para-ref") || /bibliography\.html#/.test(link.getAttribute("href"));
        if (!isPreview) return;
        link.setAttribute("data-preview", link.getAttribute("title"));
      }
      link.removeAttribute("title");  // one preview, not the browser's tooltip as well
      link.addEventListener("mouseenter", function () { show(link); });
      link.addEventListener("mouseleave", scheduleHide);
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
