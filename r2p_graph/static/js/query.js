/* The query page: YASGUI on this server's /sparql, one tab per competency query.
 * Nothing here (nor in the vendored YASGUI) fetches anything from another host: the two
 * autocompleters that would call lov.linkeddata.es are left out, and the endpoint list
 * offers only this endpoint. A query in the URL (?query=...) opens in its own tab and runs. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("r2p-query-config").textContent);
  var host = document.getElementById("yasgui");
  if (!host || typeof Yasgui === "undefined") { return; }

  var examplesByQuery = {};
  config.examples.forEach(function (e) { examplesByQuery[e.query] = e; });
  var fromUrl = /[?&#]query=/.test(window.location.search + window.location.hash);

  var yasgui = new Yasgui(host, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,          // no tabs left over from an older visit or dataset
    autoAddOnInit: false,
    populateFromUrl: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
    },
    yasqe: { autocompleters: ["prefixes", "variables"], resizeable: true },
  });

  var tabForExample = {};
  config.examples.forEach(function (e, index) {
    // With no query in the URL the first example is the open tab; otherwise the URL's is.
    var tab = yasgui.addTab(!fromUrl && index === 0, {
      name: e.name,
      yasqe: { value: e.query },
      requestConfig: { endpoint: config.endpoint },
    });
    tabForExample[e.name] = tab.getId();
  });

  function describe(tab) {
    var title = document.getElementById("example-title");
    var answers = document.getElementById("example-answers");
    if (!tab || !title || !answers) { return; }
    var text = tab.getQuery ? tab.getQuery() : "";
    var example = examplesByQuery[text];
    if (!example) {
      config.examples.forEach(function (e) { if (e.name === tab.getName()) { example = e; } });
    }
    if (example) {
      title.textContent = example.title;
      answers.textContent = "Answers: " + example.answers;
    } else {
      title.textContent = tab.getName ? tab.getName() : "Your query";
      answers.textContent = "";
    }
  }

  yasgui.on("tabSelect", function (instance, id) {
    window.setTimeout(function () { describe(instance.getTab(id)); }, 0);
  });

  // IRIs under the dataset's base are served by this server: follow them here, so a
  // result row links to its resource page even before the base's redirect is set up.
  function localize(event) {
    var a = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!a || !config.base) { return; }
    var href = a.getAttribute("href");
    if (href && href.indexOf(config.base) === 0) {
      a.setAttribute("href", config.root + "/" + href.slice(config.base.length));
    }
  }
  host.addEventListener("mousedown", localize, true);
  host.addEventListener("click", localize, true);
  host.addEventListener("keydown", localize, true);

  document.querySelectorAll("a.example-link").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var id = tabForExample[a.getAttribute("data-example")];
      if (!id) { return; }
      event.preventDefault();
      yasgui.selectTabId(id);
      host.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });

  describe(yasgui.getTab());
  window.r2pYasgui = yasgui;      // for the browser tests and the curious
})();
