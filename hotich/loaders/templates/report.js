// Sorts the progress table by the column whose header is clicked (again: the other way).
// Each cell's data-sort holds its raw value; empty values (unknown figures) always go last.
(function () {
  "use strict";
  var table = document.getElementById("progress-table");
  if (!table) { return; }
  var headers = table.tHead.rows[0].cells;
  var body = table.tBodies[0];
  var collator = new Intl.Collator(document.documentElement.lang || undefined, {
    numeric: true, sensitivity: "base"
  });

  function compare(a, b, numeric) {
    if (a === "" || b === "") { return (a === "") - (b === ""); }
    if (numeric) { return parseFloat(a) - parseFloat(b); }
    return collator.compare(a, b);
  }

  function sortBy(index) {
    var th = headers[index];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.getAttribute("data-type") === "number";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var a = r1.cells[index].getAttribute("data-sort");
      var b = r2.cells[index].getAttribute("data-sort");
      if (a === "" || b === "") { return compare(a, b, numeric); }
      var order = compare(a, b, numeric);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    for (var i = 0; i < headers.length; i++) { headers[i].setAttribute("aria-sort", "none"); }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(headers, function (th, index) {
    th.addEventListener("click", function () { sortBy(index); });
  });
}());
