// The dashboard's times in local time (search and sorting: /static/table.js, report.html's own script).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("td.time, span.time"), function (td) {
    var target = td.querySelector("a") || td;
    target.textContent = new Date(parseFloat(td.getAttribute("data-v")) * 1000).toLocaleString("zh-CN");
  });
})();
