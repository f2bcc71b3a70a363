/* haken web UI: htmx glue (CSRF header, confirmations) and Web Vitals reporting.
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

  // <form data-confirm="…">: ask before a destructive action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // After an htmx swap, move focus to the swapped region so keyboard and screen-reader users follow.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-focus-after-swap")) {
      target.focus();
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
