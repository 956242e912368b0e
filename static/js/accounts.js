// Account pages. CSP forbids inline scripts, so behaviour is attached here.
// The role-grant form shows only the scope field the chosen role needs (所属单位 for
// institution roles, 举办单位 for the sponsor role, neither for 编办) and disables the others
// so they are not sent. Without this script both fields show and the server refuses a wrong
// or double choice.
(function () {
  var form = document.getElementById("grant-form");
  if (!form) {
    return;
  }
  var scopes = JSON.parse(form.getAttribute("data-role-scopes") || "{}");
  var role = form.querySelector("select[name$='role']");
  var parts = form.querySelectorAll("[data-scope-field]");
  var hint = form.querySelector("[data-scope-hint]");
  function update() {
    var needed = scopes[role.value] || "";
    parts.forEach(function (part) {
      var show = part.getAttribute("data-scope-field") === needed;
      part.hidden = !show;
      part.querySelectorAll("select").forEach(function (select) {
        select.disabled = !show;
      });
    });
    if (hint) {
      hint.hidden = true;
    }
  }
  role.addEventListener("change", update);
  update();
})();
