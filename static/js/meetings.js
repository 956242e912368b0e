// Governance meetings pages. CSP forbids inline scripts, so behaviour is attached here.
// A button with data-print opens the browser's print dialog for the page.
document.addEventListener("click", function (event) {
  var target = event.target;
  var button = target && target.closest ? target.closest("[data-print]") : null;
  if (button) {
    event.preventDefault();
    window.print();
  }
});
