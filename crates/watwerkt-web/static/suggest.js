// watwerkt: search-as-you-type suggestions for search boxes marked data-suggest.
// Progressive enhancement: without this script the box is a plain search form.
// Follows the ARIA combobox pattern (listbox popup, arrow keys, Enter, Escape).
(function () {
  "use strict";
  var base = document.documentElement.lang === "en" ? "/en" : "";
  var boxes = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(boxes, function (input, n) {
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var timer = null;
    var active = -1;
    var items = [];
    var asked = "";
    list.id = "suggesties-" + n;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest"));
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", list.children[i].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(i) {
      window.location.href = base + items[i].url;
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.label;
        li.addEventListener("mousedown", function (e) {
          e.preventDefault();
          go(i);
        });
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = found.length ? found.length + " " + list.getAttribute("aria-label").toLowerCase() : "";
      active = -1;
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2) {
        close();
        return;
      }
      if (q === asked) {
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
      if (list.hidden) {
        return;
      }
      if (e.key === "ArrowDown") {
        e.preventDefault();
        mark((active + 1) % items.length);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        mark(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        go(active);
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  });
})();
