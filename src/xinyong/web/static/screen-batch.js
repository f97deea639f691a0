// Batch screening on the console: poll the batch's status and show its progress until it is done.
// A file of its own (the Content-Security-Policy forbids inline scripts).
(function () {
  "use strict";
  var section = document.getElementById("batch");
  if (!section) { return; }
  var url = section.getAttribute("data-status-url");
  var bar = document.getElementById("batch-progress");
  var state = document.getElementById("batch-state");
  var counts = document.getElementById("batch-counts");
  var error = document.getElementById("batch-error");
  var download = document.getElementById("batch-download");

  function show(s) {
    bar.max = s.total;
    bar.value = s.done;
    bar.textContent = s.percent + "%";
    state.textContent = s.state_name + "：已筛查 " + s.done + " / " + s.total + " 行";
    var parts = [];
    Object.keys(s.counts).forEach(function (k) { parts.push(k + " " + s.counts[k] + " 行"); });
    counts.textContent = parts.join("；");
    if (s.error) { error.textContent = s.error; error.hidden = false; }
    download.hidden = !s.download;
    return s.state === "running";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (s) { if (show(s)) { window.setTimeout(poll, 1000); } })
      .catch(function () {
        state.textContent = "暂时无法获取进度，请刷新页面";
      });
  }
  poll();
})();
