/* r2p-graph: the site's own script (no inline scripts; CSP script-src 'self').
   1. Search suggestions as you type, for the search box in the header (a combobox with a
      listbox of links, driven by /search?format=json&suggest=1).
   2. Filters that apply themselves when a <select class="autosubmit"> changes. */
(function () {
  "use strict";

  function setupSuggestions(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    var endpoint = input.getAttribute("data-suggest");
    var timer = null;
    var active = -1;
    var asked = "";

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var opts = options();
      if (!opts.length) { return; }
      active = (index + opts.length) % opts.length;
      for (var i = 0; i < opts.length; i++) {
        opts[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", opts[active].id);
    }

    function render(hits) {
      list.textContent = "";
      hits.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = "site-search-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var a = document.createElement("a");
        a.href = hit.url || hit.iri;
        a.textContent = hit.label;
        var kind = document.createElement("span");
        kind.className = "badge";
        kind.textContent = hit.type_label;
        a.appendChild(document.createTextNode(" "));
        a.appendChild(kind);
        li.appendChild(a);
        list.appendChild(li);
      });
      if (!hits.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.textContent = "No match: press Enter to search all";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      asked = q;
      var url = endpoint + "?format=json&suggest=1&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { hits: [] }; })
        .then(function (data) { if (asked === q) { render(data.hits || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        var link = options()[active].querySelector("a");
        if (link) { window.location.href = link.href; }
      }
    });
    document.addEventListener("click", function (e) {
      if (!input.form.contains(e.target)) { close(); }
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setupSuggestions);
  document.querySelectorAll("select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
