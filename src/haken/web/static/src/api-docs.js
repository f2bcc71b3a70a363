/* haken API docs (/api/docs): start Swagger UI on the OpenAPI document the page names.
   Served from haken's own assets (swagger-ui-dist from npm, fingerprinted by
   scripts/build_assets.py); no inline script, so the route's CSP allows 'self' only. */
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.ui = window.SwaggerUIBundle({
      url: root.getAttribute("data-openapi-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      layout: "BaseLayout",
      presets: [window.SwaggerUIBundle.presets.apis],
      // No third-party calls: the default validator badge fetches validator.swagger.io.
      validatorUrl: null,
      showExtensions: true,
      showCommonExtensions: true
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
