// The approval page's development sign-in (R53, R54), served only when no
// OIDC client is configured (with one, R51, the server renders the signed-in
// page itself and this script finds nothing to do). A person pastes a
// bearer token: it stays in this page's memory, is sent to
// this server only (to list the accounts they may decide for, and in the
// Approve or Decline form post), and is never shown again. Everything the
// page says comes from the server; this script only moves it into place.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var signin = $("signin-form");
  if (!signin) { return; } // a link that can no longer be approved: nothing to do
  var bearer = null;
  signin.hidden = false;

  function say(text, kind) {
    var r = $("result");
    r.textContent = text || "";
    r.className = kind || "";
  }

  function showSignIn() {
    bearer = null;
    $("choices").textContent = "";
    signin.hidden = false;
    say("");
    $("bearer").focus();
  }

  function wire() {
    var other = $("other-token");
    if (other) { other.addEventListener("click", showSignIn); }
    var form = $("decide-form");
    if (form) {
      // The token travels in the post itself, set at the last moment.
      form.addEventListener("submit", function () { $("bearer-post").value = bearer || ""; });
    }
  }

  signin.addEventListener("submit", function (e) {
    e.preventDefault();
    var typed = $("bearer").value.trim();
    if (!typed) { say(signin.getAttribute("data-empty"), "error"); return; }
    say(signin.getAttribute("data-busy"));
    var accounts = location.pathname.replace(/\/+$/, "") + "/accounts";
    fetch(accounts, { headers: { "Authorization": "Bearer " + typed }, cache: "no-store" })
      .then(function (res) {
        return res.text().then(function (body) { return { ok: res.ok, body: body }; });
      })
      .then(function (r) {
        if (!r.ok) { say(r.body, "error"); return; }
        bearer = typed;
        $("bearer").value = "";
        signin.hidden = true;
        $("choices").innerHTML = r.body; // this server's own markup, escaped there
        say("");
        wire();
      })
      .catch(function () { say(signin.getAttribute("data-offline"), "error"); });
  });
})();
