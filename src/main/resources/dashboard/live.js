// Live numbers without a reload: a page whose <body> has data-refresh-ms fetches itself that often and swaps its
// <main id="live"> for the fresh one. A session that ended (expired, key revoked) answers with the sign-in page:
// then the browser goes there. No framework, no CDN: the dashboard must work in an air-gapped cluster.
(function () {
  var period = parseInt(document.body.getAttribute('data-refresh-ms') || '0', 10);
  if (!period) {
    return;
  }
  function refresh() {
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'X-Dashboard-Live': '1' } })
      .then(function (response) {
        if (response.redirected && /\/dashboard\/login$/.test(new URL(response.url).pathname)) {
          window.location.assign('/dashboard/login');
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('live');
        var current = document.getElementById('live');
        if (fresh && current) {
          current.replaceChildren.apply(current, Array.prototype.slice.call(fresh.childNodes));
        }
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { window.setTimeout(refresh, period); });
  }
  window.setTimeout(refresh, period);
})();
