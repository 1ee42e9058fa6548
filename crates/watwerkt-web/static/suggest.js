// watwerkt: search-as-you-type suggestions under search boxes marked data-suggest.
// Progressive enhancement: without this script the box is a plain search form. The suggestions
// are ordinary links in a list after the box (the box keeps its searchbox role): Arrow Down
// moves into the list, the arrows move between links, Escape goes back to the box, and a
// status message says how many there are.
(function () {
  "use strict";
  var base = document.documentElement.lang === "en" ? "/en" : "";
  var boxes = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(boxes, function (input, n) {
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var timer = null;
    var asked = "";
    list.id = "suggesties-" + n;
    list.className = "suggest";
    list.setAttribute("aria-label", input.getAttribute("data-suggest"));
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("aria-controls", list.id);
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);

    function links() {
      return list.querySelectorAll("a");
    }

    function close() {
      list.hidden = true;
      status.textContent = "";
    }

    function show(found) {
      list.textContent = "";
      found.forEach(function (s) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = base + s.url;
        a.textContent = s.label;
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      status.textContent = found.length
        ? found.length + " " + input.getAttribute("data-suggest").toLowerCase()
        : "";
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2) {
        close();
        return;
      }
      if (q === asked && !list.hidden) {
        return;
      }
      asked = q;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (input.value.trim() === q) {
            show(found);
          }
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !list.hidden && links().length) {
        e.preventDefault();
        links()[0].focus();
      } else if (e.key === "Escape") {
        close();
      }
    });
    list.addEventListener("keydown", function (e) {
      var all = Array.prototype.slice.call(links());
      var i = all.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && i < all.length - 1) {
        e.preventDefault();
        all[i + 1].focus();
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        (i > 0 ? all[i - 1] : input).focus();
      } else if (e.key === "Escape") {
        e.preventDefault();
        close();
        input.focus();
      }
    });
    // Leaving both the box and the list closes it; moving between them does not.
    document.addEventListener("focusin", function (e) {
      if (e.target !== input && !list.contains(e.target)) {
        close();
      }
    });
  });
})();
