/* The staffing dashboard's bar charts (Chart.js, vendored under static/vendor/chart.js).
   The page passes the figures in data- attributes: no inline script (CSP script-src 'self'). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  function read(canvas) {
    try { return JSON.parse(canvas.getAttribute("data-chart") || "{}"); } catch (e) { return {}; }
  }
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: "bottom" } },
    scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
  };
  var quota = document.getElementById("quota-chart");
  if (quota) {
    var d = read(quota);
    new Chart(quota, {
      type: "bar",
      data: {
        labels: d.labels || [],
        datasets: [
          { label: quota.dataset.labelApproved, data: d.approved || [], backgroundColor: "#0d6efd" },
          { label: quota.dataset.labelActual, data: d.actual || [], backgroundColor: "#20c997" },
          { label: quota.dataset.labelVacancies, data: d.vacancies || [], backgroundColor: "#ffc107" }
        ]
      },
      options: common
    });
  }
  var kinds = document.getElementById("kind-chart");
  if (kinds) {
    var k = read(kinds);
    new Chart(kinds, {
      type: "bar",
      data: {
        labels: k.kinds || [],
        datasets: [{ label: kinds.dataset.label, data: k.by_kind || [], backgroundColor: "#6f42c1" }]
      },
      options: Object.assign({}, common, { plugins: { legend: { display: false } } })
    });
  }
})();
