/* Maps: the name of a chosen region that would cover a name already shown is hidden; its
 * orange outline and its hover stay. The server places names in degrees, sized for a desktop
 * map (figures.geometry.label_positions); on a phone the same degrees are a third of the
 * pixels, and the names of neighbouring cities (常州 无锡 苏州) would pile up unreadably.
 * Names are kept in the order they are drawn. Runs again whenever plotly redraws a map (a new
 * figure, a resize), as the labels are new elements then. */
(function () {
  var SLACK = 2; // px: names that only touch both stay

  function covers(a, b) {
    var wide = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var high = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return wide > SLACK && high > SLACK;
  }

  function declutter(plot) {
    var shown = [];
    var left = false;
    plot.querySelectorAll(".trace.scattergeo text").forEach(function (label) {
      label.style.visibility = "";
      var box = label.getBoundingClientRect();
      if (!box.width) { return; }
      var hidden = shown.some(function (other) { return covers(box, other); });
      label.style.visibility = hidden ? "hidden" : "";
      label.setAttribute("data-covered", hidden ? "true" : "false");
      if (!hidden) { shown.push(box); }
      left = left || hidden;
    });
    // the page's note saying so (components.compare_view._names_hidden_note), if it has one
    var graph = plot.closest("[id]");
    var note = graph && document.querySelector('.map-names-hidden[data-map="' + graph.id + '"]');
    if (note) { note.classList.toggle("d-none", !left); }
  }

  var pending = false;
  function run() {
    pending = false;
    document.querySelectorAll(".js-plotly-plot").forEach(declutter);
  }
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(run);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
