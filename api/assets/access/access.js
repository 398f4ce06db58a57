// The one-click approval page of an access link (R9, R10): a client admin
// pastes their bearer token, picks one of their client accounts where they
// may approve (R10) and approves. It calls the GraphQL API of the server that served it; the
// token stays in this page's memory only.
(function () {
  "use strict";
  var linkToken = decodeURIComponent(location.pathname.split("/").pop() || "");
  var bearer = null;
  var $ = function (id) { return document.getElementById(id); };

  function say(text, kind) {
    var r = $("result");
    r.textContent = text;
    r.className = kind || "";
  }

  function gql(query, variables) {
    return fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + bearer },
      body: JSON.stringify({ query: query, variables: variables || {} })
    }).then(function (res) {
      if (res.status === 401) { throw new Error("UNAUTHENTICATED"); }
      return res.json();
    });
  }

  var REASONS = {
    LINK_EXPIRED: "This link has expired. Ask the partner for a new one.",
    LINK_REVOKED: "This link was revoked: a newer link replaced it, or the partner withdrew it.",
    ALREADY_APPROVED: "This link is already approved for that client account.",
    ALREADY_SUPER_ADMIN: "This worker is already a super admin of that client account.",
    NOT_ELIGIBLE_FOR_PARTNER_SEAT: "This worker cannot hold the partner seat (their partner or email domain does not qualify).",
    NOT_FOUND: "This link or client account is unknown to you.",
    FORBIDDEN: "You are not allowed to approve for that client account: it takes an active super admin or the USERS_ADD_EDIT permission.",
    UNAUTHENTICATED: "That token is not valid or has expired. Paste a current one."
  };

  function reason(code, message) {
    return (REASONS[code] || message || "The server refused.") + " (" + code + ")";
  }

  $("signin-form").addEventListener("submit", function (e) {
    e.preventDefault();
    bearer = $("bearer").value.trim();
    if (!bearer) { say("Paste your bearer token first.", "error"); return; }
    say("Signing in…");
    gql("{ viewer { user { name email } clientAccounts { id } approvableClientAccounts { id name } } }").then(function (res) {
      var v = res.data && res.data.viewer;
      if (!v) { say(reason("UNAUTHENTICATED"), "error"); return; }
      $("who").textContent = v.user.name + " <" + v.user.email + ">";
      var select = $("client");
      select.innerHTML = "";
      // R10: only the accounts where this member may approve.
      v.approvableClientAccounts.forEach(function (a) {
        var o = document.createElement("option");
        o.value = a.id;
        o.textContent = a.name;
        select.appendChild(o);
      });
      if (!v.approvableClientAccounts.length) {
        say(v.clientAccounts.length
          ? "None of your client accounts lets you approve: it takes an active super admin or the USERS_ADD_EDIT permission. (FORBIDDEN)"
          : "You are not a member of any client account, so you cannot approve this link.", "error");
        return;
      }
      $("approve-form").hidden = false;
      say("Signed in. Pick the client account to approve for.");
    }).catch(function (err) {
      say(err.message === "UNAUTHENTICATED" ? reason("UNAUTHENTICATED") : "The server could not be reached.", "error");
    });
  });

  $("approve-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var client = $("client");
    var name = client.options[client.selectedIndex] ? client.options[client.selectedIndex].textContent : "";
    say("Approving…");
    gql("mutation Approve($input: ApproveAccessLinkInput!) { approveAccessLink(input: $input) {" +
        " membership { role user { name } } userErrors { code message } } }",
        { input: { token: linkToken, clientAccountId: client.value } }).then(function (res) {
      if (res.errors && res.errors.length) {
        var x = res.errors[0];
        say(reason((x.extensions && x.extensions.code) || "ERROR", x.message), "error");
        return;
      }
      var p = res.data.approveAccessLink;
      if (p.userErrors.length) {
        say(reason(p.userErrors[0].code, p.userErrors[0].message), "error");
        return;
      }
      say("Approved: " + p.membership.user.name + " is now a partner admin of " + name + ".", "ok");
      $("approve-button").disabled = true;
    }).catch(function (err) {
      say(err.message === "UNAUTHENTICATED" ? reason("UNAUTHENTICATED") : "The server could not be reached.", "error");
    });
  });
})();
