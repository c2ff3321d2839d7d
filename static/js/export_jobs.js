// My exports: while an export is being prepared, the list is fetched again every few seconds and replaced, so
// that its progress moves and the download link appears without a reload (inline scripts are not allowed by the
// Content Security Policy). Without JavaScript the page reloads itself (a refresh tag in a noscript).
document.addEventListener("DOMContentLoaded", function () {
  var INTERVAL = 3000;

  function active() {
    var list = document.querySelector("[data-export-jobs]");
    return list !== null && list.getAttribute("data-active") === "true";
  }

  function poll() {
    fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("[data-export-jobs]");
        var current = document.querySelector("[data-export-jobs]");
        if (fresh !== null && current !== null) {
          current.replaceWith(fresh);
        }
        if (active()) {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A network hiccup or an expired session: try again later, a little slower.
        window.setTimeout(poll, INTERVAL * 3);
      });
  }

  if (active()) {
    window.setTimeout(poll, INTERVAL);
  }
});
