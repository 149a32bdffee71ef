// The dashboard: times in local time, search filters the agencies' rows, a header click sorts by that column.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("td.time"), function (td) {
    var target = td.querySelector("a") || td;
    target.textContent = new Date(parseFloat(td.getAttribute("data-v")) * 1000).toLocaleString("zh-CN");
  });
  var table = document.getElementById("latest");
  if (!table) { return; }
  var body = table.tBodies[0];
  document.getElementById("search").addEventListener("input", function (e) {
    var q = e.target.value.trim().toLowerCase(), shown = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) { shown++; }
    });
    document.getElementById("shown").textContent = shown;
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-v") || a.cells[col].textContent;
        var y = b.cells[col].getAttribute("data-v") || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh-CN");
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
