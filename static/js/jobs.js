// The job page polls its status while the job is queued or running and moves the progress
// bar; it reloads when the status changes (so the result or every error is drawn by the server).
// CSP forbids inline scripts, so this file is included by templates/core/jobs/detail.html.
(function () {
  var box = document.querySelector("[data-job-status-url]");
  if (!box || box.getAttribute("data-finished") === "true" || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var fill = box.querySelector("[data-job-fill]");
  var bar = box.querySelector("[data-job-bar]");
  var done = box.querySelector("[data-job-done]");
  var total = box.querySelector("[data-job-total]");
  var status = box.getAttribute("data-status");
  var delay = 1000;

  // Return false when the page must be drawn again by the server (status or total changed).
  function show(state) {
    var hasTotal = state.total !== null && state.total !== undefined;
    if (state.status !== status || (hasTotal && !total)) {
      return false;
    }
    if (state.percent !== null && state.percent !== undefined) {
      fill.style.width = state.percent + "%";
      fill.textContent = state.percent + "%";
      bar.setAttribute("aria-valuenow", String(state.percent));
    }
    if (done && total && hasTotal) {
      done.textContent = String(state.done);
      total.textContent = String(state.total);
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        if (state.finished || !show(state)) {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000); // the server is busy or away: ask less often
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
