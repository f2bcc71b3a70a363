/* haken web UI: htmx glue (CSRF header, focus) and Web Vitals reporting.
   Loaded with `defer`; no inline script anywhere (the CSP forbids it). */
(function () {
  "use strict";

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") || "" : "";
  }

  // Every htmx request carries the page's CSRF token (the form-field variant covers plain forms).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = meta("csrf-token");
  });

  // Destructive actions have no script dialog: each links to its confirmation page
  // (web.render.confirmation), which works without JavaScript.

  // A picker's search field (user forms): Enter searches instead of submitting the whole form.
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key === "Enter" && field && field.hasAttribute && field.hasAttribute("data-picker-search")) {
      event.preventDefault();
      if (window.htmx) { window.htmx.trigger(field, "search"); }
    }
  });

  // A refused form (422) comes back re-rendered with its errors: swap it in like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // An in-place request that fails with nothing to swap (404, 409, 429, 5xx) or never gets an
  // answer: say so above the page instead of leaving the click looking ignored. Background
  // loads marked data-quiet-failure (the inbox badge) fail silently.
  var failedTemplate = null;
  function showRequestFailed(status) {
    var box = document.getElementById("request-failed");
    if (!box) { return; }
    if (failedTemplate === null) { failedTemplate = box.textContent; }
    box.textContent = status ? failedTemplate.replace("{status}", String(status))
                             : box.getAttribute("data-offline");
    box.setAttribute("data-status", status ? String(status) : "");
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }
  function quiet(event) {
    var elt = event.detail && event.detail.elt;
    return !!(elt && elt.hasAttribute && elt.hasAttribute("data-quiet-failure"));
  }
  document.addEventListener("htmx:responseError", function (event) {
    if (!quiet(event)) { showRequestFailed(event.detail.xhr ? event.detail.xhr.status : 0); }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (!quiet(event)) { showRequestFailed(0); }
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-failed");
    if (box) { box.hidden = true; }
  });

  // The attendance month grid: a cell swapped in place (its form, or the saved cell) takes the
  // focus, so the keyboard stays where the user works; Escape in a cell's form cancels it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var id = target && target.id;
    if (!id || id.indexOf("cell-") !== 0) { return; }
    var cell = document.getElementById(id);
    if (!cell || cell.querySelector("#form-errors")) { return; }
    var next = cell.querySelector("select, input:not([type=hidden]), a");
    if (next) { next.focus(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var form = event.target && event.target.closest ? event.target.closest(".cell-form") : null;
    var cancel = form ? form.querySelector("a[hx-get]") : null;
    if (cancel) { event.preventDefault(); cancel.click(); }
  });

  // After an htmx swap, move focus to the swapped region so keyboard and screen-reader users follow.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-focus-after-swap")) {
      target.focus();
    }
  });

  // A refused form: the first field in error (the error summary names it) gets focus and is
  // scrolled into view; with a form-wide message only, the summary itself. Also after htmx swaps.
  function focusFirstError(root) {
    var scope = root && root.querySelector ? root : document;
    var summary = scope.querySelector("#form-errors") || document.querySelector("#form-errors");
    if (!summary) { return; }
    var id = summary.getAttribute("data-first-invalid");
    var field = id ? document.getElementById(id) : null;
    var target = field || summary;
    target.focus({ preventScroll: true });
    // The message first (it says why), then the field if the message left it out of view.
    summary.scrollIntoView({ block: "start" });
    if (field) {
      var box = field.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) { field.scrollIntoView({ block: "nearest" }); }
    }
  }
  focusFirstError(document);
  document.addEventListener("htmx:afterSettle", function (event) {
    focusFirstError(event.detail && event.detail.elt);
  });
  // The summary's links move focus to their field (not only the scroll position).
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(".error-links a") : null;
    var href = link ? link.getAttribute("href") || "" : "";
    var field = href.charAt(0) === "#" ? document.getElementById(href.slice(1)) : null;
    if (field) {
      event.preventDefault();
      field.focus({ preventScroll: true });
      field.scrollIntoView({ block: "center" });
    }
  });

  // --- Web Vitals: LCP, CLS (session windows), INP (slowest interaction), long tasks ---------
  var vitals = { lcp: null, cls: 0, inp: null, fcp: null, longTasks: 0, longTaskMs: 0 };
  var clsWindow = { value: 0, first: 0, last: 0 };

  function observe(type, callback, options) {
    try {
      var observer = new PerformanceObserver(function (list) { callback(list.getEntries()); });
      observer.observe(Object.assign({ type: type, buffered: true }, options || {}));
    } catch (ignored) { /* entry type not supported by this browser */ }
  }

  observe("largest-contentful-paint", function (entries) {
    var last = entries[entries.length - 1];
    if (last) { vitals.lcp = last.renderTime || last.loadTime || last.startTime; }
  });
  observe("paint", function (entries) {
    entries.forEach(function (e) { if (e.name === "first-contentful-paint") { vitals.fcp = e.startTime; } });
  });
  observe("layout-shift", function (entries) {
    entries.forEach(function (e) {
      if (e.hadRecentInput) { return; }
      if (clsWindow.value && (e.startTime - clsWindow.last > 1000 || e.startTime - clsWindow.first > 5000)) {
        clsWindow = { value: 0, first: e.startTime, last: e.startTime };
      }
      if (!clsWindow.value) { clsWindow.first = e.startTime; }
      clsWindow.value += e.value;
      clsWindow.last = e.startTime;
      vitals.cls = Math.max(vitals.cls, clsWindow.value);
    });
  });
  observe("longtask", function (entries) {
    entries.forEach(function (e) { vitals.longTasks += 1; vitals.longTaskMs += e.duration; });
  });
  observe("event", function (entries) {
    entries.forEach(function (e) {
      if (e.interactionId && (vitals.inp === null || e.duration > vitals.inp)) { vitals.inp = e.duration; }
    });
  }, { durationThreshold: 40 });

  function snapshot() {
    var nav = performance.getEntriesByType("navigation")[0];
    return {
      page_request_id: meta("request-id"),
      path: location.pathname.slice(0, 200),
      lcp_ms: vitals.lcp,
      cls: Math.round(vitals.cls * 10000) / 10000,
      inp_ms: vitals.inp,
      fcp_ms: vitals.fcp,
      ttfb_ms: nav ? nav.responseStart : null,
      long_tasks: vitals.longTasks,
      long_task_ms: Math.round(vitals.longTaskMs)
    };
  }
  window.hakenVitals = snapshot;

  var sent = false;
  function report() {
    if (sent || !navigator.sendBeacon || !meta("request-id")) { return; }
    sent = true;
    var body = new Blob([JSON.stringify(snapshot())], { type: "application/json" });
    navigator.sendBeacon("/api/telemetry/web-vitals", body);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { report(); }
  });
  window.addEventListener("pagehide", report);
})();
