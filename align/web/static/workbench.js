// plan-align workbench: decisions without reloading, clause search, keyboard shortcuts.
// Every form also works without this script (the server answers a plain POST with a redirect).
(function () {
  "use strict";

  function reviewerName() {
    var field = document.getElementById("reviewer");
    return field ? field.value.trim() : "";
  }

  function labels() {
    var el = document.getElementById("labels");
    return el ? el.dataset : {};
  }

  function say(text) {
    var line = document.getElementById("status-line");
    if (line) { line.textContent = text; }
  }

  // Send a block's form with the pressed button's value (`act`) as the page's script does: JSON back,
  // nothing reloaded. `url`: another action than the form's (undo).
  function send(form, act, url) {
    var data = new FormData(form);
    if (act) { data.set("act", act); }
    data.set("reviewer", reviewerName());
    if (!reviewerName()) {
      say(labels().missing || "");
      document.getElementById("reviewer").focus();
      return Promise.resolve(null);
    }
    return fetch(url || form.getAttribute("action"), {method: "POST", body: data,
                 headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (!res.ok) { say(res.body.error || ""); return null; }
        return res.body;
      });
  }

  // -- clause texts: sent once at the end of the page, shown in every proposal with its terms marked --
  function marked(text, terms) {
    var words = terms.split("|").filter(function (w) { return w.trim(); })
      .sort(function (a, b) { return b.length - a.length; })
      .map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var out = document.createDocumentFragment();
    if (!words.length) { out.appendChild(document.createTextNode(text)); return out; }
    var re = new RegExp("(?<![\\p{L}\\p{N}_])(" + words.join("|") + ")(?![\\p{L}\\p{N}_])", "giu");
    var at = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > at) { out.appendChild(document.createTextNode(text.slice(at, m.index))); }
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      out.appendChild(mark);
      at = m.index + m[0].length;
    }
    if (at < text.length) { out.appendChild(document.createTextNode(text.slice(at))); }
    return out;
  }

  function fillTexts() {
    document.querySelectorAll("p.clause-text").forEach(function (p) {
      var holder = p.closest("[data-clause]");
      var full = holder && document.getElementById("c-" + p.closest("form.ref").dataset.ref + "-" + holder.dataset.clause);
      if (!full) { return; }
      var li = p.closest("li.proposal");
      var heading = document.createElement("p");
      heading.className = "clause-heading";
      heading.textContent = full.querySelector(".clause-heading").lastChild.textContent.trim();
      p.parentNode.insertBefore(heading, p);
      p.textContent = "";
      p.appendChild(marked(full.querySelector(".clause-body").textContent, li ? li.dataset.terms || "" : ""));
    });
    var appendix = document.getElementById("clause-texts");
    if (appendix) { appendix.hidden = true; }
  }

  function showDecision(block, result) {
    var L = labels();
    var action = result.action;
    block.querySelectorAll("li.proposal").forEach(function (li) {
      var state = "open";
      if (action && li.dataset.clause === result.clause_id && action !== "none") { state = action; }
      li.className = li.className.replace(/\bstate-\w+/, "state-" + state);
      var p = li.querySelector(".pstate");
      if (p) { p.textContent = L[state] || ""; }
    });
    var badge = block.querySelector(".decision");
    badge.dataset.action = action || "";
    badge.textContent = action ? (action === "none" ? block.querySelector("button.none").textContent
                                  : (L[action] || action) + " " + (result.clause_id || "")) + " · " + (L.saved || "")
                               : "";
    block.querySelector("button.undo").disabled = !action;
    var task = block.closest("section.task");
    var any = Array.prototype.some.call(task.querySelectorAll(".decision"), function (d) { return d.dataset.action; });
    task.classList.toggle("reviewed", any);
    var progress = document.getElementById("progress");
    if (progress && result.total !== undefined) {
      progress.textContent = L.progress.replace("{done}", result.done).replace("{total}", result.total);
      progress.dataset.done = result.done;
    }
  }

  function decide(form, act) {
    var action = act.split(" ")[0];
    return send(form, act).then(function (result) {
      if (!result) { return; }
      if (action === "choose" && !form.querySelector('li.proposal[data-clause="' + CSS.escape(result.clause_id) + '"]')) {
        window.location.hash = "task-" + result.task_id;   // a clause that was not proposed: the page
        window.location.reload();                           // shows it with its text, back at this task
        return;
      }
      showDecision(form, result);
      say(result.task_id + ": " + (labels()[result.action] || "") + " " + (result.clause_id || ""));
    });
  }

  // -- clause search --------------------------------------------------------------------------
  var timer = null;
  function searchClauses(input) {
    var list = input.closest("form").querySelector("ul.results");
    var q = input.value.trim();
    if (!q) { list.innerHTML = ""; return; }
    var url = "/api/clauses?ref=" + encodeURIComponent(input.dataset.ref) + "&q=" + encodeURIComponent(q);
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) {
        list.innerHTML = "";
        found.forEach(function (c) {
          var li = document.createElement("li");
          var b = document.createElement("button");
          b.type = "button";
          b.className = "result";
          b.dataset.clause = c.id;
          b.textContent = c.id + " — " + c.text;        // text, never HTML
          b.addEventListener("click", function () { pick(input, c.id); });
          li.appendChild(b);
          list.appendChild(li);
        });
      });
  }

  function pick(input, clauseId) {
    input.value = clauseId;
    input.closest("form").querySelector("ul.results").innerHTML = "";
    decide(input.closest("form"), "choose " + clauseId);
  }

  // -- focus and keys -------------------------------------------------------------------------
  var items = [];
  var at = -1;

  function focusOn(i, still) {
    if (!items.length) { return; }
    at = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function (li) { li.classList.remove("focus"); });
    document.querySelectorAll("section.task.current").forEach(function (s) { s.classList.remove("current"); });
    var li = items[at];
    li.classList.add("focus");
    li.closest("section.task").classList.add("current");
    if (!still) { li.scrollIntoView({block: "nearest"}); }
  }

  function taskStep(step) {
    var task = items[at] ? items[at].closest("section.task") : null;
    var i = at;
    while (i + step >= 0 && i + step < items.length) {
      i += step;
      if (items[i].closest("section.task") !== task) {
        if (step < 0) {      // to the first proposal of the previous task
          var t = items[i].closest("section.task");
          while (i > 0 && items[i - 1].closest("section.task") === t) { i -= 1; }
        }
        focusOn(i);
        return;
      }
    }
  }

  function current() { return at >= 0 ? items[at] : null; }

  function onKey(ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var li = current();
    var block = li ? li.closest("form.ref") : null;
    var take = block ? block.querySelector("button.take") : null;
    switch (ev.key) {
      case "j": focusOn(at + 1); break;
      case "k": focusOn(at - 1); break;
      case "J": taskStep(1); break;
      case "K": taskStep(-1); break;
      case "a": if (li) { decide(block, "accept " + li.dataset.clause); } break;
      case "r": if (li) { decide(block, "reject " + li.dataset.clause); } break;
      case "n": if (block) { decide(block, "none"); } break;
      case "g": if (take) { decide(block, take.value); } break;
      case "u": if (block) { undo(block); } break;
      case "/": if (block) { block.querySelector("input.clause-search").focus(); } break;
      default: return;
    }
    ev.preventDefault();
  }

  function undo(form) {
    var button = form.querySelector("button.undo");
    send(form, null, button.getAttribute("formaction")).then(function (result) {
      if (result) { showDecision(form, result); }
    });
  }

  function choose(form) {
    var input = form.querySelector("input.clause-search");
    var first = form.querySelector("ul.results button.result");
    if (first && input.value.trim() !== first.dataset.clause) { pick(input, first.dataset.clause); }
    else if (input.value.trim()) { decide(form, "choose " + input.value.trim()); }
  }

  function wire() {
    fillTexts();
    items = Array.prototype.slice.call(document.querySelectorAll("li.proposal"));
    document.querySelectorAll("form.ref").forEach(function (form) {
      var input = form.querySelector("input.clause-search");
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var act = ev.submitter ? ev.submitter.value : "choose";
        var li = ev.submitter ? ev.submitter.closest("li.proposal") : null;
        if (li && items.indexOf(li) >= 0) { focusOn(items.indexOf(li)); }
        if (act === "undo") { undo(form); }
        else if (act === "choose") { choose(form); }
        else { decide(form, act); }
      });
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { searchClauses(input); }, 200);
      });
    });
    if (items.length) {
      document.addEventListener("keydown", onKey);
      var back = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
      var start = back ? items.indexOf(back.querySelector("li.proposal")) : -1;
      if (start >= 0) { focusOn(start); } else { focusOn(0, true); }
    }
  }

  document.addEventListener("DOMContentLoaded", wire);
}());
