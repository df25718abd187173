/* 数据管理: say at once when a chosen file is over the upload limit.
 * dcc.Upload drops such a file silently (max_size); this shows the page's own message, whose
 * text and limit come from the server (#data-too-big and its data-max-bytes attribute). */
(function () {
  function check(files) {
    var note = document.getElementById("data-too-big");
    if (!note || !files || !files.length) { return; }
    var limit = Number(note.getAttribute("data-max-bytes")) || Infinity;
    var tooBig = Array.prototype.some.call(files, function (f) { return f.size > limit; });
    note.classList.toggle("d-none", !tooBig);
  }
  function inUpload(target) {
    return target && target.closest && target.closest("#data-upload");
  }
  document.addEventListener("change", function (e) {
    if (inUpload(e.target) && e.target.files) { check(e.target.files); }
  }, true);
  document.addEventListener("drop", function (e) {
    if (inUpload(e.target) && e.dataTransfer) { check(e.dataTransfer.files); }
  }, true);
})();
