// Ask before destructive actions: any form with data-confirm="message" needs a yes first.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute && form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A "select all" checkbox: data-check-all="<selector>" ticks or clears every box it names.
document.addEventListener("change", function (event) {
  var box = event.target;
  var selector = box.getAttribute && box.getAttribute("data-check-all");
  if (!selector) {
    return;
  }
  document.querySelectorAll(selector).forEach(function (other) {
    other.checked = box.checked;
  });
});
